package org.gunyah.vmm.hypervisor.emulated.translate;

/**
 * How often one vCPU's interpreter arrived at each head (a branch target, an exception vector),
 * direct-mapped by address: a collision restarts the count, which only delays a translation.
 */
public final class HeadCounter {
    private static final int SIZE = 2048;
    private final long[] vas = new long[SIZE];
    private final int[] counts = new int[SIZE];

    /** Counts one arrival at {@code va}; true once it has been reached more than {@code threshold} times. */
    public boolean hot(long va, int threshold) {
        int i = (int) (va >>> 2) & (SIZE - 1);
        if (vas[i] != va) {
            vas[i] = va;
            counts[i] = 0;
        }
        if (counts[i] > threshold) {
            return true; // and stays there, never wrapping
        }
        return ++counts[i] > threshold;
    }

    /** Starts counting {@code va} afresh (its translation failed or was dropped). */
    public void reset(long va) {
        int i = (int) (va >>> 2) & (SIZE - 1);
        if (vas[i] == va) {
            counts[i] = 0;
        }
    }
}
