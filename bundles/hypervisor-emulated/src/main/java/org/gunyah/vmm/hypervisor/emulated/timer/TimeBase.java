package org.gunyah.vmm.hypervisor.emulated.timer;

/**
 * The system counter of one VM, shared by its vCPUs: it counts at {@link #FREQUENCY} from zero at
 * the VM's creation, on {@code System.nanoTime()}, so it is monotonic and runs whether or not a
 * vCPU executes. 62.5 MHz is QEMU's virt frequency and exactly one tick per 16 ns.
 */
public final class TimeBase {
    /** CNTFRQ_EL0, in Hz. */
    public static final long FREQUENCY = 62_500_000;

    static final long NANOS_PER_TICK = 1_000_000_000 / FREQUENCY;
    /** The largest count whose time in nanoseconds still fits a long: a CVAL beyond it never comes. */
    static final long LAST_REACHABLE = Long.MAX_VALUE / NANOS_PER_TICK;

    private final long start = System.nanoTime();

    /** CNTPCT_EL0 (and CNTVCT_EL0, the virtual offset being zero) now. */
    public long count() {
        return (System.nanoTime() - start) / NANOS_PER_TICK;
    }

    /**
     * Nanoseconds from now until the counter reaches {@code count} (unsigned), at most zero when it
     * has; {@link Long#MAX_VALUE} for a count it never reaches.
     */
    long nanosUntil(long count) {
        if (Long.compareUnsigned(count, LAST_REACHABLE) > 0) {
            return Long.MAX_VALUE;
        }
        // Both terms are within [0, Long.MAX_VALUE], so the difference cannot overflow.
        return count * NANOS_PER_TICK - (System.nanoTime() - start);
    }
}
