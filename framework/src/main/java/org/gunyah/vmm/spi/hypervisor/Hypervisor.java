package org.gunyah.vmm.spi.hypervisor;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;

/**
 * A hypervisor backend. Register it as a service with {@link #NAME}; the VM manager prefers the
 * backend with the highest {@code service.ranking}.
 */
public interface Hypervisor {
    /** Service property: the backend's name, as {@code VmManager.createVm(name)} takes it. */
    String NAME = "gunyah.hypervisor.name";

    String name();

    /**
     * {@code VM_ALLOC_VMID}: a new VM at the resource manager, in state {@link RmVmState#LOAD}.
     * ENOSPC when no VM id is free.
     */
    HypervisorVm allocateVm() throws GunyahException;

    /** The VM ids currently allocated (for leak checks and the admin view). */
    int allocatedVms();

    /**
     * eventfd(2) as this backend's fast paths want it (a kernel eventfd that KVM can watch), with
     * the number the VM manager gave it as its {@link EventFd#fd()}. Empty lets the VM manager make
     * its own. The preferred backend makes every eventfd, whichever VM it is later used with, so an
     * eventfd from here must work for any backend.
     */
    default Optional<EventFd> createEventFd(int number, long initval, int flags) throws GunyahException {
        return Optional.empty();
    }
}
