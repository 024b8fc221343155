package org.gunyah.vmm.api;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A virtual machine: the VM fd of the Linux VM manager, its ioctls as methods. Safe to use from
 * several threads.
 */
public interface Vm extends AutoCloseable {
    /** A number unique among this manager's live VMs. */
    int id();

    /** The name of the hypervisor backend that runs it. */
    String hypervisor();

    VmState state();

    /** The exit type and reason once the guest exited. */
    Optional<ExitInfo> exitInfo();

    /**
     * Why the guest crashed, as its backend reported it (the vCPU, what it met, and where: the
     * emulated vCPU names the pc and the instruction word), once {@link #state()} is
     * {@link VmState#CRASHED}; empty otherwise.
     */
    default Optional<String> crashReason() {
        return Optional.empty();
    }

    /**
     * {@code GH_VM_SET_USER_MEM_REGION}. EINVAL for unknown flag bits, a zero size, or an address,
     * size or host segment that is not page-aligned (a host segment that is not native memory is
     * accepted only by backends that can use it); EOVERFLOW when the guest range wraps; EEXIST
     * for a label in use or an overlap with another region; EPERM once the VM has started (a late
     * region would never reach the guest).
     */
    void setUserMemoryRegion(MemoryRegion region) throws GunyahException;

    /**
     * {@code GH_VM_SET_DTB_CONFIG}: where the devicetree lies in guest memory. EOVERFLOW when the
     * range wraps; EPERM once started. The last call before start wins.
     */
    void setDtbConfig(long guestPhysAddr, long size) throws GunyahException;

    /**
     * {@code GH_VM_START}: shares memory, configures the VM from its devicetree, hands the
     * hypervisor's resources to the functions' tickets and starts the guest. A second start of a
     * running VM does nothing. EINVAL when no region holds the DTB; ENODEV after a failed start or
     * once the guest is down.
     */
    void start() throws GunyahException;

    /**
     * {@code GH_VM_ADD_FUNCTION}. E2BIG for an argument over {@link FunctionType#MAX_ARG_SIZE};
     * ENOENT when no provider of the type is available; EBUSY when another function call on this
     * VM (a bind that blocks) holds it up past a bound (5 s); otherwise whatever the function's
     * bind reports. On failure the VM is exactly as before.
     */
    FunctionHandle addFunction(FunctionDesc desc) throws GunyahException;

    /**
     * {@link #addFunction}, but only with a provider bound to the type now: it never loads a
     * function bundle, so that re-adding a function once its type is back cannot undo an undeploy.
     * Empty when the type has no provider; otherwise as {@link #addFunction}, errnos included.
     */
    Optional<FunctionHandle> addFunctionIfProvided(FunctionDesc desc) throws GunyahException;

    /**
     * {@code GH_VM_REMOVE_FUNCTION}: unbinds the instance of that type the function says the
     * argument names. E2BIG over the size limit; ENOENT when none matches (also for an empty
     * argument); EBUSY as for {@link #addFunction}.
     */
    void removeFunction(FunctionDesc desc) throws GunyahException;

    /** The function instances bound to this VM, oldest first. */
    List<FunctionDesc> functions();

    /** Waits until the guest is down (exited, crashed, failed to load, or closed). */
    boolean awaitDown(Duration timeout) throws InterruptedException;

    /**
     * Calls {@code listener} after each change of {@link #state()} (start, exit, crash, failed
     * start, close), once the new state is visible. It runs in the thread that made the change,
     * which may be a vCPU's or one holding the VM's locks: it must be quick and must never block
     * (signal a waiter, do not wait). Closing the subscription ends the calls.
     */
    VmManager.Subscription onStateChange(Runnable listener);

    /**
     * Tears the VM down: stops the guest, unbinds every function in reverse order, releases tickets
     * and IO handlers, returns resources and memory to the hypervisor and unpins the function
     * bundles. Idempotent.
     */
    @Override
    void close();
}
