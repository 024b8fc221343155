package org.gunyah.vmm.hypervisor.emulated.gic;

import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface;

/**
 * Drives a {@link Gicv3} as a guest does, through its MMIO frames and ICC registers, for tests:
 * the platform's default addresses, the registers by name, and a port per vCPU recording what
 * the GIC signals.
 */
public final class GicDriver {
    public static final long GICD = 0x0800_0000L;
    public static final long GICR = 0x080a_0000L;
    public static final long SGI_BASE = 0x1_0000;

    public static final int PMR = InterruptInterface.key(3, 0, 4, 6, 0);
    public static final int IAR0 = icc(8, 0);
    public static final int EOIR0 = icc(8, 1);
    public static final int BPR0 = icc(8, 3);
    public static final int AP1R0 = icc(9, 0);
    public static final int DIR = icc(11, 1);
    public static final int RPR = icc(11, 3);
    public static final int SGI1R = icc(11, 5);
    public static final int IAR1 = icc(12, 0);
    public static final int EOIR1 = icc(12, 1);
    public static final int HPPIR1 = icc(12, 2);
    public static final int BPR1 = icc(12, 3);
    public static final int CTLR = icc(12, 4);
    public static final int SRE = icc(12, 5);
    public static final int IGRPEN0 = icc(12, 6);
    public static final int IGRPEN1 = icc(12, 7);

    /** What the GIC tells one vCPU. */
    public static final class Port implements CpuPort {
        public volatile boolean pending;
        public final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void setInterruptPending(boolean p) {
            pending = p;
        }

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    public final Gicv3 gic;
    public final Port[] ports;

    public GicDriver(int cpus) {
        gic = new Gicv3(cpus, Gicv3.linesFor(-1), GICD, GICR);
        ports = new Port[cpus];
        for (int c = 0; c < cpus; c++) {
            ports[c] = new Port();
            gic.attach(c, ports[c]);
        }
    }

    private static int icc(int crm, int op2) {
        return InterruptInterface.key(3, 0, 12, crm, op2);
    }

    /** GICD_CTLR.EnableGrp1 (and ARE, which reads as one anyway). */
    public GicDriver enableDistributor() {
        gicd(0x0, 0x12);
        return this;
    }

    /** What a CPU's boot does: wake its redistributor, unmask every priority, enable group 1. */
    public GicDriver enableCpu(int cpu) {
        gicr(cpu, 0x14, 0);
        write(cpu, PMR, 0xff);
        write(cpu, IGRPEN1, 1);
        return this;
    }

    public GicDriver enableAll() {
        enableDistributor();
        for (int c = 0; c < ports.length; c++) {
            enableCpu(c);
        }
        return this;
    }

    /** Enables {@code intid}: an SPI at the distributor, an SGI or PPI at {@code cpu}'s redistributor. */
    public GicDriver enable(int cpu, int intid) {
        if (intid >= 32) {
            gicd(0x100 + intid / 32 * 4, 1L << (intid % 32));
        } else {
            gicr(cpu, SGI_BASE + 0x100, 1L << intid);
        }
        return this;
    }

    public GicDriver priority(int cpu, int intid, int priority) {
        if (intid >= 32) {
            gic.write(cpu, GICD + 0x400 + intid, 1, priority);
        } else {
            gic.write(cpu, GICR + cpu * Gicv3.REDIST_SIZE + SGI_BASE + 0x400 + intid, 1, priority);
        }
        return this;
    }

    public GicDriver route(int intid, long irouter) {
        gic.write(0, GICD + 0x6000 + 8L * intid, 8, irouter);
        return this;
    }

    public void gicd(int offset, long value) {
        gic.write(0, GICD + offset, 4, value);
    }

    public long gicd(int offset) {
        return gic.read(0, GICD + offset, 4);
    }

    public void gicr(int cpu, long offset, long value) {
        gic.write(cpu, GICR + cpu * Gicv3.REDIST_SIZE + offset, 4, value);
    }

    public long gicr(int cpu, long offset) {
        return gic.read(cpu, GICR + cpu * Gicv3.REDIST_SIZE + offset, 4);
    }

    public long read(int cpu, int key) {
        Long v = gic.cpuInterface(cpu).read(key);
        if (v == null) {
            throw new AssertionError("no such register " + Integer.toHexString(key));
        }
        return v;
    }

    public void write(int cpu, int key, long value) {
        if (!gic.cpuInterface(cpu).write(key, value)) {
            throw new AssertionError("no such register " + Integer.toHexString(key));
        }
    }

    public long ack(int cpu) {
        return read(cpu, IAR1);
    }

    public void eoi(int cpu, long intid) {
        write(cpu, EOIR1, intid);
    }
}
