package org.gunyah.vmm.spi.hypervisor;

import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuPosition;
import org.gunyah.vmm.spi.VcpuRunResult;

/** A VCPU capability and its {@code vcpu_run} hypercall. */
public non-sealed interface HypervisorVcpu extends HypervisorResource {
    /**
     * Runs until the vCPU has something to report; returns {@link VcpuRunResult.Ready} at least
     * now and then (and soon after {@link #kick()}) so the caller can stop it. Only one thread runs
     * a vCPU at a time (the framework ensures it).
     */
    VcpuRunResult run() throws GunyahException;

    /** Completes a pending MMIO read. EINVAL when no read is pending. */
    void resumeMmioRead(long value) throws GunyahException;

    /** The vCPU's wakeup interrupt: called when a waiting or powered-off vCPU may run. */
    void setWakeupListener(Runnable listener);

    void kick();

    /** See {@link org.gunyah.vmm.api.Vcpu#position()}; empty where the platform cannot tell. */
    default Optional<VcpuPosition> position() {
        return Optional.empty();
    }
}
