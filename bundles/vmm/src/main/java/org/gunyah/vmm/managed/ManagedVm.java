package org.gunyah.vmm.managed;

import java.time.Duration;
import java.util.List;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;

/**
 * A VM the VMM runs: it owns the guest RAM, writes the devicetree from the VM's functions at
 * start, runs each vCPU on a platform thread of its own, and answers the MMIO exits no function
 * handled with its device models (see {@link Devices}).
 */
public interface ManagedVm extends AutoCloseable {
    String name();

    VmSpec spec();

    /** The VM itself, for what this interface does not wrap. */
    Vm vm();

    /**
     * {@link Vm#addFunction}; a vCPU added to a running VM starts running at once. The errnos are
     * the VM's. The VM keeps the function: when its type's bundle goes away (a forced undeploy, an
     * update, a refresh, a deleted jar), the VM manager unbinds it, and the VMM adds it again as
     * soon as a provider of the type is back, a vCPU resuming where it stopped. It never loads a
     * bundle to do so, so an undeploy stands until something deploys the type again. An add of a
     * function that names the same instance as one the VM keeps and waits for (a vcpu of the same
     * id, an irqfd of the same label, an ioeventfd of the same address, length and datamatch,
     * equal arguments for other types; the eventfd does not count) takes that one over: the old
     * one is no longer kept, and never added back beside the new one. A kept function that cannot
     * be added any more (its eventfd closed, or EEXIST on re-adding), is no longer kept either.
     */
    FunctionHandle addFunction(FunctionDesc desc) throws GunyahException;

    /** {@link Vm#removeFunction}; a removed vCPU's thread ends, and the VM no longer keeps it. The errnos are the VM's. */
    void removeFunction(FunctionDesc desc) throws GunyahException;

    /** The functions the VM keeps that are not bound now (their type has no provider yet). */
    List<FunctionDesc> missingFunctions();

    /**
     * Waits until every function the VM keeps is bound, e.g. after a function bundle was replaced;
     * false at the bound, or once the VM is closing. It wakes on the VMM's own changes (a restore,
     * an add, a remove, a close); a function added through {@link #vm()} directly is seen at the
     * next of them, or at the bound.
     */
    boolean awaitFunctions(Duration timeout) throws InterruptedException;

    /**
     * {@code length} bytes of guest RAM from guest physical {@code addr}, as a debugger's peek.
     * EFAULT when the range is not inside the VM's RAM; EINVAL for a negative length.
     */
    byte[] readGuest(long addr, int length) throws GunyahException;

    /** Writes {@code data} into guest RAM at guest physical {@code addr}, as a debugger's poke; EFAULT outside RAM. */
    void writeGuest(long addr, byte[] data) throws GunyahException;

    /**
     * Writes the devicetree (one cpu per vcpu function, one doorbell per irqfd label) at the end
     * of RAM, starts the VM and a thread per vCPU. EINVAL without a vcpu function, or when the
     * devicetree does not fit after the image; EBUSY when already started; the VM's errnos
     * otherwise (a failed start leaves the VM LOAD_FAILED, as the VM manager does).
     */
    void start() throws GunyahException;

    /**
     * RUNNING, CREATED, ... as the VM's state, except that a guest that is down shows how:
     * {@code EXITED(code)} (through the exit register or the hypervisor's exit call),
     * {@code CRASHED(reason)} (the backend's words: the vCPU, what it met, the pc and instruction
     * word where it knows them), LOAD_FAILED, {@link #RESET}; CLOSED once closed.
     */
    String status();

    /** {@link #status()} of a guest stopped because it asked to be reset (PSCI SYSTEM_RESET). */
    String RESET = "RESET";

    /**
     * True when the guest is down because it asked to be reset. Whoever launched it restarts it
     * (a new VM from the same declaration) when its {@link Supervision} says so.
     */
    default boolean resetRequested() {
        return RESET.equals(status());
    }

    /** What the guest wrote to its console so far (the last {@link Devices#CONSOLE_KEEP} characters). */
    String console();

    /**
     * The VM's PL011 UART as the host's end of its serial line, when the VM has one
     * ({@link Devices.Model#PL011}): what to send the guest, where its output goes.
     */
    java.util.Optional<Serial> serial();

    /** The devices of device bundles on its bus, in slot order (the built-in models are in {@link VmSpec#devices}). */
    default List<DeviceInfo> devices() {
        return List.of();
    }

    /** Counts of what the vCPU threads saw. */
    Stats stats();

    /** The vCPU threads still running. */
    int runningVcpus();

    /** Waits until at most {@code count} vCPU threads run (a removed vCPU's thread ends on its own). */
    boolean awaitRunningVcpus(int count, Duration timeout) throws InterruptedException;

    /** Waits until the guest is down and every vCPU thread has returned. */
    boolean awaitDown(Duration timeout) throws InterruptedException;

    /** Stops the vCPU threads, closes the VM and frees its RAM. Idempotent. */
    @Override
    void close();

    /**
     * What the vCPU threads and device models counted: MMIO exits that reached the VMM, console
     * bytes, exits no device model took, guest writes the doorbell responders saw through their
     * ioeventfds (as eventfd counts) and as MMIO exits while an ioeventfd was not bound, the
     * interrupts they sent, the functions re-added after their type came back, and the errors
     * that ended a vCPU thread or a re-add.
     */
    record Stats(
            long mmioExits,
            long consoleWrites,
            long unhandledExits,
            long doorbellSignals,
            long doorbellExits,
            long interruptsSent,
            long functionsRestored,
            List<String> errors) {
        public Stats {
            errors = List.copyOf(errors);
        }
    }
}
