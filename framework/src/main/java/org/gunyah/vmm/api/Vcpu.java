package org.gunyah.vmm.api;

import java.util.Optional;

/**
 * The handle the vcpu function returns from {@link Vm#addFunction}: the vCPU fd with its run page.
 */
public interface Vcpu {
    int id();

    /**
     * {@code GH_VCPU_RUN}: runs the vCPU until an exit the caller must see. ENODEV before the VM
     * started or once the function was removed; EINTR when the immediate-exit flag is set or the
     * run was {@linkplain #kick() kicked}; EBUSY while another thread is running this vCPU.
     */
    VcpuExit run() throws GunyahException;

    /** The run page's {@code immediate_exit}: while set, {@link #run()} returns EINTR at once. */
    void setImmediateExit(boolean immediateExit);

    boolean immediateExit();

    /** The run page's {@code mmio.data}: the value of the last MMIO read exit, given back. */
    void setMmioData(long data);

    /**
     * Makes a current or the next {@link #run()} return EINTR, as a signal to the vCPU thread
     * does. Safe from any thread.
     */
    void kick();

    /**
     * Where the guest on this vCPU is now, sampled from another thread, where the backend can tell
     * (the emulated one can; KVM's registers are only read between runs): empty otherwise, and
     * before the VM runs.
     */
    default Optional<VcpuPosition> position() {
        return Optional.empty();
    }
}
