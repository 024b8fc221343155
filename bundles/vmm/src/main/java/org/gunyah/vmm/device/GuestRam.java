package org.gunyah.vmm.device;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.GunyahException;

/**
 * A VM's RAM as its devices reach it (their DMA): by guest physical address, and never outside
 * the RAM. Thread safe; the guest may change the memory at any moment, as it may under a real
 * device, so a device reads what it needs once and checks it after reading.
 */
public interface GuestRam {
    /**
     * The host memory of guest physical [{@code address}, {@code address + length}): EFAULT when
     * any byte of it is not RAM (or the range wraps), naming the range. The segment is valid
     * while the VM is; a device must not keep it past its own close.
     */
    MemorySegment slice(long address, long length) throws GunyahException;

    /** Whether [{@code address}, {@code address + length}) is all RAM. */
    boolean contains(long address, long length);
}
