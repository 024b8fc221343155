package org.gunyah.vmm.spi.hypervisor;

import java.lang.foreign.MemorySegment;
import java.util.Collection;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * A memory parcel to share or lend to a VM: host memory, where the guest sees it, and the guest's
 * access rights in the RM's ACL encoding ({@link #ACL_R}, {@link #ACL_W}, {@link #ACL_X}).
 */
public record MemoryParcel(int label, long guestPhysAddr, MemorySegment memory, int guestAccess, boolean lend) {
    public static final int ACL_X = 1;
    public static final int ACL_W = 2;
    public static final int ACL_R = 4;

    public static final long PAGE = 4096;

    public long size() {
        return memory.byteSize();
    }

    /** What MEM_SHARE checks, for every backend: EINVAL unless page-aligned and clear of {@code shared}. */
    public void checkShareable(Collection<MemoryParcel> shared) throws GunyahException {
        if ((guestPhysAddr & (PAGE - 1)) != 0 || (size() & (PAGE - 1)) != 0 || size() == 0) {
            throw GunyahException.of(
                    Errno.EINVAL, "parcel %d: [0x%x, +0x%x) is not page-aligned", label, guestPhysAddr, size());
        }
        for (MemoryParcel p : shared) {
            long aInB = guestPhysAddr - p.guestPhysAddr();
            long bInA = p.guestPhysAddr() - guestPhysAddr;
            if (Long.compareUnsigned(aInB, p.size()) < 0 || Long.compareUnsigned(bInA, size()) < 0) {
                throw GunyahException.of(Errno.EINVAL, "parcel %d overlaps parcel %d", label, p.label());
            }
        }
    }

    /** What VM_CONFIG_IMAGE checks: EINVAL unless the image and the DTB lie inside this parcel. */
    public void checkImage(int memHandle, long imageOffset, long dtbOffset, long dtbSize) throws GunyahException {
        if (Long.compareUnsigned(dtbOffset, size()) >= 0
                || Long.compareUnsigned(dtbSize, size() - dtbOffset) > 0
                || Long.compareUnsigned(imageOffset, size()) >= 0) {
            throw GunyahException.of(Errno.EINVAL, "image or DTB lies outside parcel %d", memHandle);
        }
    }
}
