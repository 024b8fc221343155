package org.gunyah.vmm.hypervisor.emulated.mmu;

/**
 * A successful walk for one 4 KiB page: its output page, the level of the leaf descriptor (3 for a
 * page, 2 or 1 inside a block), the six permission bits of {@link Access}, whether it is global (nG
 * = 0) or belongs to an ASID, and the memory attributes (the MAIR byte and the shareability).
 */
public record Translation(long pagePa, int level, int permissions, boolean global, int attributes, int shareability)
        implements Stage1.Result {
    public boolean allows(int access, int el) {
        return (permissions & Access.bit(access, el)) != 0;
    }

    /** MAIR attributes 0000xxxx are Device memory. */
    public boolean device() {
        return (attributes & 0xf0) == 0;
    }
}
