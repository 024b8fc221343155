package org.gunyah.vmm.api;

/** The uapi VM status a vCPU reports in a STATUS exit ({@code GH_VM_STATUS_*}). */
public enum VmStatus {
    LOAD_FAILED(1),
    EXITED(2),
    CRASHED(3);

    private final int value;

    VmStatus(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
