package org.gunyah.vmm.spi.hypervisor;

/** {@code enum gh_rm_vm_status}: the resource manager's VM states, with its numbers. */
public enum RmVmState {
    NO_STATE(0),
    INIT(1),
    READY(2),
    RUNNING(3),
    PAUSED(4),
    LOAD(5),
    AUTH(6),
    INIT_FAILED(8),
    EXITED(9),
    RESETTING(10),
    RESET(11);

    private final int value;

    RmVmState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
