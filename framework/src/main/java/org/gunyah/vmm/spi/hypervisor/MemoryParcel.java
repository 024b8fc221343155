package org.gunyah.vmm.spi.hypervisor;

import java.lang.foreign.MemorySegment;

/**
 * A memory parcel to share or lend to a VM: host memory, where the guest sees it, and the guest's
 * access rights in the RM's ACL encoding ({@link #ACL_R}, {@link #ACL_W}, {@link #ACL_X}).
 */
public record MemoryParcel(int label, long guestPhysAddr, MemorySegment memory, int guestAccess, boolean lend) {
    public static final int ACL_X = 1;
    public static final int ACL_W = 2;
    public static final int ACL_R = 4;

    public long size() {
        return memory.byteSize();
    }
}
