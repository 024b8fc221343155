package org.gunyah.vmm.api;

import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/** {@code /dev/gunyah}: creates VMs on a hypervisor backend, and eventfds for their functions. */
public interface VmManager {

    /** {@code GH_CREATE_VM} on the preferred backend (highest service ranking). ENODEV if none. */
    Vm createVm() throws GunyahException;

    /** {@code GH_CREATE_VM} on the named backend. ENODEV if no backend has that name. */
    Vm createVm(String hypervisor) throws GunyahException;

    /** The names of the available backends, preferred first. */
    List<String> hypervisors();

    /** The live VMs, oldest first. */
    List<Vm> vms();

    Optional<Vm> vm(int id);

    /**
     * eventfd(2) with {@code initval} and flags {@link EventFd#SEMAPHORE}, {@link EventFd#NONBLOCK},
     * {@link EventFd#CLOEXEC}; other bits are EINVAL. The eventfd stays usable by number until it is
     * closed.
     */
    EventFd createEventFd(long initval, int flags) throws GunyahException;

    /**
     * Calls {@code listener} with a function type's number each time a provider becomes bound to
     * it: a function bundle started, was updated or refreshed, or a waiting candidate took over. A
     * VMM re-adds the functions its VMs lost when that type went away (see
     * {@link Vm#addFunctionIfProvided}). Called in the thread that registered the provider, after
     * the binding: the listener must be quick and must not block.
     */
    Subscription onFunctionProvided(IntConsumer listener);

    /** Ends a registration with the VM manager. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
