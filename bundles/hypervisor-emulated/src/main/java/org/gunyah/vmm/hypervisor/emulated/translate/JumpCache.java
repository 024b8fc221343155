package org.gunyah.vmm.hypervisor.emulated.translate;

import java.util.Arrays;

/**
 * One vCPU's map from the virtual address of a head to its translation, direct-mapped. It holds
 * what the current translation regime said (the VA to PA mapping and execute permission at the
 * current EL), so its owner flushes it when the TLB changes, or the EL or ASID.
 */
public final class JumpCache {
    private static final int SIZE = 1024;
    private final long[] vas = new long[SIZE];
    private final Region[] regions = new Region[SIZE];

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

    public void put(long va, Region r) {
        int i = (int) (va >>> 2) & (SIZE - 1);
        vas[i] = va;
        regions[i] = r;
    }

    public void flush() {
        Arrays.fill(vas, 1); // never a head: heads are 4-byte aligned
        Arrays.fill(regions, null);
    }
}
