package org.gunyah.vmm.spi;

import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuPosition;

/** A VCPU resource: the {@code gh_hypercall_vcpu_run} of one vCPU. */
public non-sealed interface VcpuResource extends Resource {
    /**
     * One {@code vcpu_run} hypercall: runs the vCPU until it has something to report. Returns
     * {@link VcpuRunResult.Ready} now and then, so the caller can check for an immediate exit.
     */
    VcpuRunResult run() throws GunyahException;

    /** Completes the pending MMIO read with the first {@code len} bytes of {@code value}. */
    void resumeMmioRead(long value) throws GunyahException;

    /**
     * The vCPU's wakeup interrupt: called (from any thread) when a vCPU that reported
     * {@link VcpuRunResult.ExpectsWakeup} or {@link VcpuRunResult.PoweredOff} may run again.
     */
    void setWakeupListener(Runnable listener);

    /** Makes a {@link #run()} in progress on another thread return soon. */
    void kick();

    /** See {@link org.gunyah.vmm.api.Vcpu#position()}; empty where the platform cannot tell. */
    default Optional<VcpuPosition> position() {
        return Optional.empty();
    }
}
