package org.gunyah.vmm.hypervisor.emulated.gic;

/**
 * What the GIC tells a vCPU: whether an interrupt is signalled to it (set under the GIC's lock,
 * so it must be a plain volatile write), and to wake it (called outside the lock).
 */
public interface CpuPort {
    void setInterruptPending(boolean pending);

    void wake();
}
