package org.gunyah.vmm.api;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * {@code struct gh_userspace_memory_region}: host memory the VMM owns, given to the guest at
 * {@code guestPhysAddr}. The segment plays the part of {@code userspace_addr}/{@code memory_size};
 * it must stay alive until the VM is closed. Checked when the VM is given it, not here.
 */
public record MemoryRegion(int label, int flags, long guestPhysAddr, MemorySegment memory) {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXEC = 4;
    public static final int RWX = READ | WRITE | EXEC;
    public static final long PAGE_SIZE = 4096;

    public MemoryRegion {
        Objects.requireNonNull(memory, "memory");
    }

    public long size() {
        return memory.byteSize();
    }

    /** The exclusive end of the region in guest physical space (may wrap; the VM checks it). */
    public long guestPhysEnd() {
        return guestPhysAddr + size();
    }

    public boolean contains(long guestAddr, long length) {
        long offset = guestAddr - guestPhysAddr;
        return Long.compareUnsigned(offset, size()) < 0 && Long.compareUnsigned(length, size() - offset) <= 0;
    }
}
