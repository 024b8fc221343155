package org.gunyah.vmm.internal.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.internal.io.IoHandlerTable;
import org.gunyah.vmm.spi.IoHandler;

/**
 * A VM's user memory regions with the checks of {@code GH_VM_SET_USER_MEM_REGION}, kept apart from
 * its IO handlers: guest accesses to RAM never exit, so a handler there could never fire. The
 * kernel lets both happen silently; here the later of the two is refused.
 */
final class MemoryMap {
    private final List<MemoryRegion> regions = new ArrayList<>();
    private final IoHandlerTable ioHandlers;

    MemoryMap(IoHandlerTable ioHandlers) {
        this.ioHandlers = ioHandlers;
    }

    synchronized void add(MemoryRegion r) throws GunyahException {
        if ((r.flags() & ~MemoryRegion.RWX) != 0) {
            throw GunyahException.of(
                    Errno.EINVAL, "memory region %d: unknown flag bits 0x%x", r.label(), r.flags() & ~MemoryRegion.RWX);
        }
        if (r.size() == 0) {
            throw GunyahException.of(Errno.EINVAL, "memory region %d has size 0", r.label());
        }
        if (!aligned(r.guestPhysAddr()) || !aligned(r.size())) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "memory region %d: guest address 0x%x and size 0x%x must be page-aligned",
                    r.label(),
                    r.guestPhysAddr(),
                    r.size());
        }
        if (r.memory().isNative() && !aligned(r.memory().address())) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "memory region %d: host memory at 0x%x is not page-aligned",
                    r.label(),
                    r.memory().address());
        }
        if (r.memory().isReadOnly()) {
            throw GunyahException.of(Errno.EFAULT, "memory region %d: host memory is read-only", r.label());
        }
        if (Long.compareUnsigned(r.guestPhysEnd(), r.guestPhysAddr()) < 0 && r.guestPhysEnd() != 0) {
            throw GunyahException.of(
                    Errno.EOVERFLOW, "memory region %d: 0x%x + 0x%x overflows", r.label(), r.guestPhysAddr(), r.size());
        }
        for (MemoryRegion o : regions) {
            if (o.label() == r.label()) {
                throw GunyahException.of(Errno.EEXIST, "memory region label %d is already in use", r.label());
            }
            if (overlaps(o, r)) {
                throw GunyahException.of(
                        Errno.EEXIST,
                        "memory region %d [0x%x, +0x%x) overlaps region %d [0x%x, +0x%x)",
                        r.label(),
                        r.guestPhysAddr(),
                        r.size(),
                        o.label(),
                        o.guestPhysAddr(),
                        o.size());
            }
        }
        for (IoHandler h : ioHandlers.all()) {
            if (overlaps(r, h)) {
                throw GunyahException.of(
                        Errno.EEXIST,
                        "memory region %d [0x%x, +0x%x) covers the IO handler at 0x%x",
                        r.label(),
                        r.guestPhysAddr(),
                        r.size(),
                        h.address());
            }
        }
        regions.add(r);
    }

    /** EINVAL for a handler whose range touches guest RAM; otherwise the table's rules. */
    synchronized void addIoHandler(IoHandler h) throws GunyahException {
        for (MemoryRegion r : regions) {
            if (overlaps(r, h)) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "an IO handler at 0x%x (length %d) lies in memory region %d [0x%x, +0x%x): "
                                + "guest accesses there are RAM and never exit",
                        h.address(),
                        h.length(),
                        r.label(),
                        r.guestPhysAddr(),
                        r.size());
            }
        }
        ioHandlers.add(h);
    }

    private static boolean overlaps(MemoryRegion r, IoHandler h) {
        long length = Math.max(1, h.length());
        long startInR = h.address() - r.guestPhysAddr();
        long rStartInH = r.guestPhysAddr() - h.address();
        return Long.compareUnsigned(startInR, r.size()) < 0 || Long.compareUnsigned(rStartInH, length) < 0;
    }

    synchronized List<MemoryRegion> regions() {
        return List.copyOf(regions);
    }

    /**
     * The region that wholly contains the range. The kernel settles for one that overlaps it, so a
     * DTB straddling two regions passes its check and the RM reads past the region.
     */
    synchronized Optional<MemoryRegion> containing(long gpa, long size) {
        return regions.stream().filter(r -> r.contains(gpa, size)).findFirst();
    }

    private static boolean overlaps(MemoryRegion a, MemoryRegion b) {
        // Offsets from a's start compared unsigned: correct even for a region ending at 2^64.
        long bStartInA = b.guestPhysAddr() - a.guestPhysAddr();
        long aStartInB = a.guestPhysAddr() - b.guestPhysAddr();
        return Long.compareUnsigned(bStartInA, a.size()) < 0 || Long.compareUnsigned(aStartInB, b.size()) < 0;
    }

    private static boolean aligned(long v) {
        return (v & (MemoryRegion.PAGE_SIZE - 1)) == 0;
    }
}
