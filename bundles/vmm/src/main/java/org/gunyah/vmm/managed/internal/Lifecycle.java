package org.gunyah.vmm.managed.internal;

import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.managed.ManagedVm;

/**
 * Where a managed VM is in the VMM's hands, on top of the VM manager's {@link VmState}: an
 * immutable value, and every transition between them is a method here.
 *
 * <pre>
 * Created --start--> Started --exit register--> Exited(code)
 *    \                  |  \--guest panic-------> Failed(reason)
 *     \                 |                          |
 *     `-----close-------+-----------close----------+--> Closing(end?) --everything returned--> Closed(end?)
 * </pre>
 *
 * Closing and Closed keep how the guest ended, when it had (its status then), so that a close
 * after an exit or a crash does not lose it.
 * <pre>
 * </pre>
 */
sealed interface Lifecycle {
    /** Made, with RAM and image; functions may be added; not started. */
    record Created() implements Lifecycle {}

    /** Started: vCPU threads run while the VM manager lets the guest. */
    record Started() implements Lifecycle {}

    /** The guest wrote the exit register: its vCPU threads end, the VM is not closed yet. */
    record Exited(long code) implements Lifecycle {}

    /** The VMM saw the guest fail (a kernel panic on its console): its vCPU threads end. */
    record Failed(String reason) implements Lifecycle {}

    /** Close has begun: nothing new runs, RAM is about to go. */
    record Closing(Optional<String> ended) implements Lifecycle {}

    /** Close has returned everything. */
    record Closed(Optional<String> ended) implements Lifecycle {}

    Lifecycle CREATED = new Created();

    /** EBUSY once started; ENODEV once closing. */
    default Lifecycle start(String name) throws GunyahException {
        return switch (this) {
            case Created c -> new Started();
            case Started s -> throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name);
            case Exited e -> throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name);
            case Failed f -> throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name);
            case Closing c -> throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name);
            case Closed c -> throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name);
        };
    }

    /** The exit register: the first write of a running guest wins. */
    default Lifecycle exit(long code) {
        return this instanceof Started ? new Exited(code) : this;
    }

    /** The guest failing as the VMM sees it: the first failure of a running guest wins. */
    default Lifecycle fail(String reason) {
        return this instanceof Started ? new Failed(reason) : this;
    }

    default Lifecycle close() {
        return close(null);
    }

    /** Close, keeping how the guest ended: by the VMM's hand, or by the VM manager's (from {@code vm}, when given). */
    default Lifecycle close(Vm vm) {
        return switch (this) {
            case Created c -> new Closing(managerEnd(vm));
            case Started s -> new Closing(managerEnd(vm));
            case Exited e -> new Closing(Optional.of(status(vm)));
            case Failed f -> new Closing(Optional.of(status(vm)));
            case Closing c -> this;
            case Closed c -> this;
        };
    }

    default Lifecycle closed() {
        return this instanceof Closing c ? new Closed(c.ended()) : this;
    }

    /** True while vCPU threads may run: started, no exit written, not closing. */
    default boolean runs() {
        return this instanceof Started;
    }

    default boolean closing() {
        return this instanceof Closing || this instanceof Closed;
    }

    /** True once the guest cannot run on: exited by either path, crashed, failed, or closed all through. */
    default boolean guestDown(VmState state) {
        return switch (this) {
            case Created c -> state.isDown();
            case Started s -> state.isDown();
            case Exited e -> true;
            case Failed f -> true;
            case Closing c -> false;
            case Closed c -> true;
        };
    }

    /** {@link org.gunyah.vmm.managed.ManagedVm#status()}: the VM manager's state, or how the VMM ended the guest. */
    default String status(Vm vm) {
        return switch (this) {
            case Exited e -> "EXITED(" + e.code() + ")";
            case Failed f -> "CRASHED(" + f.reason() + ")";
            case Closing c -> c.ended().orElse(VmState.CLOSED.name());
            case Closed c -> c.ended().orElse(VmState.CLOSED.name());
            case Created c -> managerStatus(vm);
            case Started s -> managerStatus(vm);
        };
    }

    /** The guest's end as the VM manager saw it, when it has ended. */
    private static Optional<String> managerEnd(Vm vm) {
        return vm != null && vm.state().isDown() && vm.state() != VmState.CLOSED
                ? Optional.of(managerStatus(vm))
                : Optional.empty();
    }

    /**
     * {@code EXITED(code)}; {@code RESET} for a guest that asked to be reset (PSCI SYSTEM_RESET: the
     * VMM stops it); {@code CRASHED(reason)} with the backend's reason (the vCPU, what it met, pc
     * and instruction word).
     */
    private static String managerStatus(Vm vm) {
        VmState state = vm.state();
        return switch (state) {
            case EXITED ->
                vm.exitInfo().map(ExitInfo::type).orElse(-1) == ExitInfo.PSCI_SYSTEM_RESET
                        ? ManagedVm.RESET
                        : "EXITED(" + vm.exitInfo().map(i -> i.code()).orElse(0L) + ")";
            case CRASHED -> vm.crashReason().map(r -> "CRASHED(" + r + ")").orElse(state.name());
            default -> state.name();
        };
    }
}
