package org.gunyah.vmm.spi.hypervisor;

import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmContext.Registration;

/**
 * One VM at the resource manager, from {@code VM_ALLOC_VMID} to {@code VM_DEALLOC_VMID}. The
 * framework calls these in the order of the Linux VM manager's start and teardown sequences.
 */
public interface HypervisorVm extends AutoCloseable {
    int vmid();

    RmVmState state();

    /** Where notifications about this VM go; set once, before {@link #share}. */
    void setListener(RmListener listener);

    /**
     * {@code MEM_SHARE} / {@code MEM_LEND}: returns the parcel's memory handle. EINVAL for a
     * parcel that is not page-aligned or overlaps another.
     */
    int share(MemoryParcel parcel) throws GunyahException;

    /** {@code MEM_RECLAIM}: the host has the memory back. */
    void reclaim(int memHandle) throws GunyahException;

    /** {@code VM_CONFIG_IMAGE}: the image parcel and where the devicetree lies in it. */
    void configure(int memHandle, long imageOffset, long dtbOffset, long dtbSize) throws GunyahException;

    /** {@code VM_INIT}: READY, or INIT_FAILED and an exception saying why. */
    void init() throws GunyahException;

    /** {@code VM_GET_HYP_RESOURCES}: valid from READY on. */
    List<HypervisorResource> resources() throws GunyahException;

    /** {@code VM_START}: RUNNING. */
    void start() throws GunyahException;

    /** {@code VM_STOP} (force): the guest stops; EXITED is notified with VM_FORCE_STOPPED. */
    void stop() throws GunyahException;

    /** {@code VM_RESET}: resources revoked, memory unmapped; RESET is notified. */
    void reset() throws GunyahException;

    /**
     * Fast path for an IO handler that only signals {@code target} (an ioeventfd): the backend
     * matches such guest writes itself and signals the eventfd without an exit (KVM_IOEVENTFD).
     * Empty when it cannot (for this eventfd or at all); the framework then dispatches the exits
     * as before. The handler stays in the framework's table either way, so a write the backend
     * lets through still finds it. Valid from allocation until {@link #reset}.
     */
    default Optional<Registration> offloadIoHandler(IoHandler handler, EventFd target) throws GunyahException {
        return Optional.empty();
    }

    /** {@code VM_DEALLOC_VMID}: the id is free again. Idempotent. */
    @Override
    void close();
}
