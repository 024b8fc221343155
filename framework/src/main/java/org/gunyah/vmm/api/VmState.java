package org.gunyah.vmm.api;

/** Where a VM is in its life, as its owner sees it. */
public enum VmState {
    /** Created; memory, DTB and functions may be given; not yet started. */
    CREATED,
    /** Start in progress (parcels shared, configured, resources handed out). */
    STARTING,
    RUNNING,
    /** The guest exited; see {@link Vm#exitInfo()}. */
    EXITED,
    /** The start failed; the VM cannot be started again and must be closed. */
    LOAD_FAILED,
    /** The guest crashed (for example an undefined instruction on the emulated vCPU). */
    CRASHED,
    /** Closed: everything it held has been returned. */
    CLOSED;

    /** True once the guest can no longer run: the state a vCPU reports in a STATUS exit. */
    public boolean isDown() {
        return this == EXITED || this == LOAD_FAILED || this == CRASHED || this == CLOSED;
    }
}
