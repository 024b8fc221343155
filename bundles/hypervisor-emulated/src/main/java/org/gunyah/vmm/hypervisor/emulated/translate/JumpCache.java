package org.gunyah.vmm.hypervisor.emulated.translate;

import java.util.Arrays;

/**
 * One vCPU's map from the virtual address of a head to its translation, direct-mapped, for one EL.
 * It holds what the translation regime said (the VA to PA mapping and execute permission), each
 * entry stamped with the TLB's epoch it was checked in: its owner flushes it when the ASID or the
 * translation registers change, and checks an entry again when the TLB has changed since.
 */
public final class JumpCache {
    private static final int SIZE = 1024;
    private final long[] vas = new long[SIZE];
    private final Region[] regions = new Region[SIZE];
    private final int[] epochs = new int[SIZE];

    public JumpCache() {
        flush();
    }

    /** The valid translation of {@code va}, or null. */
    public Region get(long va) {
        int i = (int) (va >>> 2) & (SIZE - 1);
        Region r = regions[i];
        if (r == null || vas[i] != va) {
            return null;
        }
        if (!r.valid) {
            regions[i] = null;
            return null;
        }
        return r;
    }

    /** The TLB epoch the entry of {@code va} (which {@link #get} found) was checked in. */
    public int epoch(long va) {
        return epochs[(int) (va >>> 2) & (SIZE - 1)];
    }

    public void put(long va, Region r, int epoch) {
        int i = (int) (va >>> 2) & (SIZE - 1);
        vas[i] = va;
        regions[i] = r;
        epochs[i] = epoch;
    }

    public void flush() {
        Arrays.fill(vas, 1); // never a head: heads are 4-byte aligned
        Arrays.fill(regions, null);
    }
}
