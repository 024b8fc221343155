package org.gunyah.vmm.hypervisor.emulated.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;

/**
 * A small GIC: shared peripheral interrupts (INTID 32..1019), each routed to one vCPU, edge or
 * level. Edge: a rising edge makes the interrupt pending; acknowledging it (ICC_IAR1_EL1) consumes
 * that, so an edge during handling is delivered again after EOI. Level: pending while the line is
 * asserted and the interrupt is not active; the source may drop the line at EOI (a level doorbell
 * clears its flags then), otherwise it fires again. Interrupts are taken lowest INTID first. One
 * lock per VM; wakeups run outside it.
 */
public final class Gic {
    public static final int SPURIOUS = 1023;
    public static final int FIRST_SPI = 32;
    public static final int LAST_SPI = 1019;

    private static final class Line {
        final int intid;
        final int cpu;
        boolean level;
        boolean asserted;
        boolean pending;
        boolean active;
        IntPredicate onEoi;

        Line(int intid, int cpu) {
            this.intid = intid;
            this.cpu = cpu;
        }
    }

    /**
     * What the GIC tells a vCPU: whether an interrupt is pending (set under the GIC lock, so it
     * must be a plain volatile write), and to wake it (called outside the lock).
     */
    public interface CpuPort {
        void setInterruptPending(boolean pending);

        void wake();
    }

    private final Map<Integer, Line> lines = new TreeMap<>();
    private final CpuPort[] cpus;

    public Gic(int cpuCount) {
        this.cpus = new CpuPort[cpuCount];
    }

    public int cpuCount() {
        return cpus.length;
    }

    public synchronized void attach(int cpu, CpuPort port) {
        cpus[cpu] = port;
    }

    /** Declares an SPI routed to {@code cpu}; configuration happens before the VM runs. */
    public synchronized void declare(int intid, int cpu) {
        if (intid < FIRST_SPI || intid > LAST_SPI || cpu < 0 || cpu >= cpus.length || lines.containsKey(intid)) {
            throw new IllegalArgumentException("bad or duplicate SPI " + intid + " on cpu " + cpu);
        }
        lines.put(intid, new Line(intid, cpu));
    }

    /**
     * Makes the line level-sensitive. {@code onEoi} runs under the GIC lock when the guest ends the
     * interrupt and answers whether the source still asserts the line.
     */
    public synchronized void configureLevel(int intid, IntPredicate onEoi) {
        Line l = lines.get(intid);
        l.level = true;
        l.onEoi = onEoi;
    }

    public void raiseEdge(int intid) {
        CpuPort woken;
        synchronized (this) {
            Line l = lines.get(intid);
            l.pending = true;
            woken = update(l.cpu);
        }
        wake(woken);
    }

    public void setLevel(int intid, boolean asserted) {
        CpuPort woken;
        synchronized (this) {
            Line l = lines.get(intid);
            l.asserted = asserted;
            l.pending = asserted && !l.active;
            woken = update(l.cpu);
        }
        wake(woken);
    }

    /** ICC_IAR1_EL1 on {@code cpu}: the highest-priority pending interrupt, now active, or 1023. */
    public long acknowledge(int cpu) {
        synchronized (this) {
            long intid = SPURIOUS;
            for (Line l : lines.values()) {
                if (l.cpu == cpu && l.pending && !l.active) {
                    l.pending = false;
                    l.active = true;
                    intid = l.intid;
                    break;
                }
            }
            update(cpu);
            return intid;
        }
    }

    /** ICC_EOIR1_EL1 on {@code cpu}; an EOI of an interrupt that is not active is ignored. */
    public void endOfInterrupt(int cpu, long intid) {
        CpuPort woken;
        synchronized (this) {
            Line l = intid >= FIRST_SPI && intid <= LAST_SPI ? lines.get((int) intid) : null;
            if (l == null || l.cpu != cpu || !l.active) {
                return;
            }
            l.active = false;
            if (l.level) {
                if (l.onEoi != null) {
                    l.asserted = l.onEoi.test(l.intid);
                }
                l.pending = l.asserted;
            }
            woken = update(cpu);
        }
        wake(woken);
    }

    public synchronized boolean hasPending(int cpu) {
        for (Line l : lines.values()) {
            if (l.cpu == cpu && l.pending && !l.active) {
                return true;
            }
        }
        return false;
    }

    /** Interrupts that are pending or active, for tests and diagnostics. */
    public synchronized List<Integer> outstanding() {
        List<Integer> out = new ArrayList<>();
        lines.values().stream().filter(l -> l.pending || l.active).forEach(l -> out.add(l.intid));
        return out;
    }

    /** Publishes the cpu's pending state under the lock; returns the port to wake, if any. */
    private CpuPort update(int cpu) {
        boolean pending = hasPending(cpu);
        CpuPort port = cpus[cpu];
        if (port == null) {
            return null;
        }
        port.setInterruptPending(pending);
        return pending ? port : null;
    }

    private static void wake(CpuPort port) {
        if (port != null) {
            port.wake();
        }
    }
}
