package org.gunyah.vmm.hypervisor.emulated.gic;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface;
import org.gunyah.vmm.hypervisor.emulated.platform.InternalMmio;

/**
 * The GICv3 of one VM, as Linux's irq-gic-v3 driver uses it: a distributor, a redistributor and a
 * system-register CPU interface per vCPU; affinity routing always on, one security state
 * (GICD_CTLR.DS reads 1), no LPIs or ITS. SGIs and PPIs are banked per vCPU, SPIs routed by
 * GICD_IROUTER. Group 1 interrupts are signalled as IRQ; group 0 ones would be FIQs, which the
 * vCPU does not take, so they are only ever seen through ICC_IAR0_EL1.
 *
 * <p>One lock per VM, this object's monitor (the doorbells synchronise on it too): every change
 * recomputes which vCPUs have an interrupt signalled and publishes it to their ports under the
 * lock; the wakeups run after it is released.
 */
public final class Gicv3 implements InternalMmio {
    public static final int SPURIOUS = 1023;
    public static final int FIRST_PPI = 16;
    public static final int FIRST_SPI = 32;
    public static final int LAST_SPI = 1019;
    public static final long DIST_SIZE = 0x1_0000;
    public static final long REDIST_SIZE = 0x2_0000;
    /** INTIDs the GIC has at least: SPIs 0..95, room for the VMM's devices besides the doorbells. */
    static final int MIN_LINES = 128;

    final Irq[][] banked;
    final Irq[] spis;
    final CpuInterface[] cpus;
    final int lines;
    private final CpuPort[] ports;
    private final Distributor distributor;
    private final Redistributor[] redistributors;
    private final long distBase;
    private final long redistBase;
    /** GICD_CTLR: EnableGrp0 (bit 0) and EnableGrp1 (bit 1). */
    int enables;
    /** What a source asked to run once the lock is released ({@link #afterChange}). Under the lock. */
    private List<Runnable> deferred = new ArrayList<>();

    /**
     * A GIC for {@code cpuCount} vCPUs with INTIDs below {@code lines} (a multiple of 32, see
     * {@link #linesFor}), its distributor at {@code distBase} and redistributors from
     * {@code redistBase}, {@link #REDIST_SIZE} each.
     */
    public Gicv3(int cpuCount, int lines, long distBase, long redistBase) {
        if (lines % 32 != 0 || lines < MIN_LINES || lines > 1024) {
            throw new IllegalArgumentException("lines " + lines);
        }
        this.lines = lines;
        this.distBase = distBase;
        this.redistBase = redistBase;
        banked = new Irq[cpuCount][FIRST_SPI];
        cpus = new CpuInterface[cpuCount];
        ports = new CpuPort[cpuCount];
        redistributors = new Redistributor[cpuCount];
        for (int c = 0; c < cpuCount; c++) {
            for (int i = 0; i < FIRST_SPI; i++) {
                banked[c][i] = new Irq(i);
            }
            cpus[c] = new CpuInterface(this, c);
            redistributors[c] = new Redistributor(this, c);
        }
        spis = new Irq[Math.min(lines, LAST_SPI + 1) - FIRST_SPI];
        for (int i = 0; i < spis.length; i++) {
            spis[i] = new Irq(FIRST_SPI + i);
        }
        distributor = new Distributor(this);
    }

    /** The INTID count for a VM whose highest SPI is {@code highestSpi} (-1: none). */
    public static int linesFor(int highestSpi) {
        int needed = FIRST_SPI + highestSpi + 1;
        return Math.max(MIN_LINES, (needed + 31) / 32 * 32);
    }

    public int cpuCount() {
        return cpus.length;
    }

    public synchronized void attach(int cpu, CpuPort port) {
        ports[cpu] = port;
    }

    /** The ICC system registers of vCPU {@code cpu}. */
    public InterruptInterface cpuInterface(int cpu) {
        return cpus[cpu];
    }

    /**
     * Declares an SPI a source drives, routed to {@code cpu} until the guest writes its IROUTER
     * (the reset value is the architecture's UNKNOWN; the VM's devicetree names the target).
     */
    public synchronized void declare(int intid, int cpu) {
        if (intid < FIRST_SPI || intid >= FIRST_SPI + spis.length || cpu < 0 || cpu >= cpus.length) {
            throw new IllegalArgumentException("bad SPI " + intid + " on cpu " + cpu);
        }
        spis[intid - FIRST_SPI].route = affinity(cpu);
    }

    /**
     * Gives the SPI a level source: {@code resample} runs under the lock when the guest deactivates
     * the interrupt and answers whether the source still asserts the line.
     */
    public synchronized void configureLevel(int intid, IntPredicate resample) {
        spi(intid).resample = resample;
    }

    /**
     * Runs {@code action} in this thread once the change in progress has released the lock and
     * woken the vCPUs: a level source's resample uses it to tell listeners of the guest's EOI,
     * which may take other locks and raise interrupts again (not possible under this lock without
     * inverting lock order). Called under the lock, from within a change.
     */
    public void afterChange(Runnable action) {
        assert Thread.holdsLock(this);
        deferred.add(action);
    }

    /** An edge on an SPI's input: it becomes pending, whatever its trigger configuration. */
    public void raiseEdge(int intid) {
        change(() -> spi(intid).latch = true);
    }

    /** An SPI's input line. */
    public void setLevel(int intid, boolean asserted) {
        change(() -> spi(intid).input(asserted));
    }

    /** A PPI's input line on vCPU {@code cpu} (the timers: level, high while the condition holds). */
    public void setPpiLevel(int cpu, int intid, boolean asserted) {
        if (intid < FIRST_PPI || intid >= FIRST_SPI) {
            throw new IllegalArgumentException("not a PPI: " + intid);
        }
        change(() -> banked[cpu][intid].input(asserted));
    }

    /** Whether an interrupt is signalled to vCPU {@code cpu} (what ends its WFI). */
    public synchronized boolean hasPending(int cpu) {
        return signalled(cpu);
    }

    // The distributor and redistributors, inside the hypervisor.

    @Override
    public boolean claims(long address, int size) {
        return inside(address, size, distBase, DIST_SIZE)
                || inside(address, size, redistBase, REDIST_SIZE * cpus.length);
    }

    @Override
    public long read(int vcpu, long address, int size) {
        return changeAndGet(() -> address - distBase < DIST_SIZE && address >= distBase
                ? distributor.read((int) (address - distBase), size)
                : redistributor(address).read((int) ((address - redistBase) % REDIST_SIZE), size));
    }

    @Override
    public void write(int vcpu, long address, int size, long value) {
        change(() -> {
            if (address - distBase < DIST_SIZE && address >= distBase) {
                distributor.write((int) (address - distBase), size, value);
            } else {
                redistributor(address).write((int) ((address - redistBase) % REDIST_SIZE), size, value);
            }
        });
    }

    private Redistributor redistributor(long address) {
        return redistributors[(int) ((address - redistBase) / REDIST_SIZE)];
    }

    private static boolean inside(long address, int size, long base, long length) {
        return address >= base && address - base <= length - size;
    }

    // Under the lock.

    /** The interrupt {@code intid} as vCPU {@code cpu} sees it, or null when there is none. */
    Irq irq(int cpu, int intid) {
        if (intid >= 0 && intid < FIRST_SPI) {
            return banked[cpu][intid];
        }
        return intid >= FIRST_SPI && intid < FIRST_SPI + spis.length ? spis[intid - FIRST_SPI] : null;
    }

    private Irq spi(int intid) {
        Irq irq = intid >= FIRST_SPI ? irq(0, intid) : null;
        if (irq == null) {
            throw new IllegalArgumentException("not an SPI of this GIC: " + intid);
        }
        return irq;
    }

    /** MPIDR_EL1's affinity of vCPU {@code cpu} in IROUTER's layout: Aff0 is the index. */
    static long affinity(int cpu) {
        return cpu;
    }

    /** The vCPU an SPI goes to, or -1 (routed to no vCPU of this VM). */
    int target(Irq spi) {
        if ((spi.route & (1L << 31)) != 0) {
            // 1 of N: the first vCPU that takes the interrupt's group, so the choice is deterministic.
            for (int c = 0; c < cpus.length; c++) {
                if (cpus[c].groupEnabled(spi.group1)) {
                    return c;
                }
            }
            return -1;
        }
        long aff = spi.route & 0xff_00ff_ffffL;
        return aff < cpus.length ? (int) aff : -1;
    }

    /** The highest-priority pending, enabled, group-enabled interrupt for {@code cpu}, or null. */
    Irq best(int cpu) {
        Irq best = null;
        for (Irq i : banked[cpu]) {
            best = better(best, i, cpu);
        }
        for (Irq i : spis) {
            if (i.latch || i.line) {
                best = target(i) == cpu ? better(best, i, cpu) : best;
            }
        }
        return best;
    }

    private Irq better(Irq best, Irq i, int cpu) {
        if (!i.pending() || i.active || !i.enabled) {
            return best;
        }
        if ((enables & (i.group1 ? 2 : 1)) == 0 || !cpus[cpu].groupEnabled(i.group1)) {
            return best;
        }
        return best == null || i.priority < best.priority ? i : best;
    }

    /** Whether an IRQ is signalled to {@code cpu}: its best interrupt is group 1 and may preempt. */
    boolean signalled(int cpu) {
        Irq b = best(cpu);
        return b != null && b.group1 && cpus[cpu].canPreempt(b);
    }

    /** Runs a change under the lock, then wakes the vCPUs that have an interrupt signalled. */
    void change(Runnable r) {
        List<CpuPort> woken;
        List<Runnable> after;
        synchronized (this) {
            r.run();
            woken = publish();
            after = takeDeferred();
        }
        woken.forEach(CpuPort::wake);
        runDeferred(after);
    }

    long changeAndGet(LongSupplier s) {
        long v;
        List<CpuPort> woken;
        List<Runnable> after;
        synchronized (this) {
            v = s.getAsLong();
            woken = publish();
            after = takeDeferred();
        }
        woken.forEach(CpuPort::wake);
        runDeferred(after);
        return v;
    }

    private void runDeferred(List<Runnable> after) {
        if (after.isEmpty()) {
            return;
        }
        if (Thread.holdsLock(this)) {
            deferred.addAll(after); // a change nested in another: the outer one runs them as it lets go
            return;
        }
        after.forEach(Runnable::run);
    }

    /** Under the lock. Allocates only when something was deferred. */
    private List<Runnable> takeDeferred() {
        if (deferred.isEmpty()) {
            return List.of();
        }
        List<Runnable> taken = deferred;
        deferred = new ArrayList<>();
        return taken;
    }

    private List<CpuPort> publish() {
        List<CpuPort> woken = new ArrayList<>(1);
        for (int c = 0; c < cpus.length; c++) {
            CpuPort port = ports[c];
            if (port != null) {
                boolean s = signalled(c);
                port.setInterruptPending(s);
                if (s) {
                    woken.add(port);
                }
            }
        }
        return woken;
    }
}
