package org.gunyah.vmm.spi.hypervisor;

import org.gunyah.vmm.api.ExitInfo;

/**
 * The resource manager's asynchronous notifications about one VM. May be called from any thread,
 * a vCPU thread inside a run included; implementations must not block.
 */
public interface RmListener {
    /** {@code VM_EXITED}: the guest exited (or was force-stopped), with type and reason. */
    void exited(ExitInfo info);

    /** {@code VM_STATUS}: the VM's state changed (the framework acts on RESET). */
    void status(RmVmState state);

    /**
     * The guest crashed (an undefined instruction, a fetch from nowhere, a triple fault). Gunyah
     * has no such message; the uapi's CRASHED status needs one.
     */
    void crashed(String reason);
}
