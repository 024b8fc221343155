package org.gunyah.vmm.hypervisor.emulated.platform;

/** Whether the guest is running; resources consult it so that nothing reaches a stopped guest. */
@FunctionalInterface
public interface VmRunState {
    boolean isRunning();
}
