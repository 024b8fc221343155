package org.gunyah.vmm.spi.hypervisor;

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
}
