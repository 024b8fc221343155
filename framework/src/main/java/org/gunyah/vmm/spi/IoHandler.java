package org.gunyah.vmm.spi;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;

/**
 * {@code struct gh_vm_io_handler}: takes guest MMIO writes at one address without a trip to
 * the VMM. Matching is on the exact start address. A handler with length 0 takes a write of any
 * length there and excludes every other handler at the address; a datamatch handler (length 1..8)
 * takes only writes of its length carrying its value. The handler's identity is the object
 * itself: remove the one you added.
 */
public interface IoHandler {
    long address();

    /** 0 (any length) or the access length in bytes. */
    int length();

    boolean datamatch();

    /** The value a datamatch handler wants; ignored otherwise. */
    long data();

    /**
     * A matching guest write. Return true when handled; false lets the write exit to the VMM.
     * Runs on the vCPU thread: it must be quick and must not block.
     */
    boolean write(long address, int length, long value);

    /**
     * The eventfd this handler signals once per matching write, when that is all it does (an
     * ioeventfd): the hypervisor may then match such writes itself and signal it without an exit
     * to the VMM. Empty (the default) for a handler that does anything else.
     */
    default Optional<EventFd> eventFd() {
        return Optional.empty();
    }
}
