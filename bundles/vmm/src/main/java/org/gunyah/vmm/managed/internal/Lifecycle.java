package org.gunyah.vmm.managed.internal;

import java.util.OptionalLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;

/**
 * Where a managed VM is in the VMM's hands, on top of the VM manager's {@link VmState}: an
 * immutable value, and every transition between them is a method here.
 *
 * <pre>
 * Created --start--> Started --exit register--> Exited(code)
 *    \                  |                          |
 *     `-----close-------+-----------close----------+--> Closing(code?) --everything returned--> Closed(code?)
 * </pre>
 */
sealed interface Lifecycle {
    /** Made, with RAM and image; functions may be added; not started. */
    record Created() implements Lifecycle {}

    /** Started: vCPU threads run while the VM manager lets the guest. */
    record Started() implements Lifecycle {}

    /** The guest wrote the exit register: its vCPU threads end, the VM is not closed yet. */
    record Exited(long code) implements Lifecycle {}

    /** Close has begun: nothing new runs, RAM is about to go. */
    record Closing(OptionalLong exitCode) implements Lifecycle {}

    /** Close has returned everything. */
    record Closed(OptionalLong exitCode) implements Lifecycle {}

    Lifecycle CREATED = new Created();

    /** EBUSY once started; ENODEV once closing. */
    default Lifecycle start(String name) throws GunyahException {
        return switch (this) {
            case Created c -> new Started();
            case Started s -> throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name);
            case Exited e -> throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name);
            case Closing c -> throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name);
            case Closed c -> throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name);
        };
    }

    /** The exit register: the first write of a running guest wins. */
    default Lifecycle exit(long code) {
        return this instanceof Started ? new Exited(code) : this;
    }

    default Lifecycle close() {
        return switch (this) {
            case Created c -> new Closing(OptionalLong.empty());
            case Started s -> new Closing(OptionalLong.empty());
            case Exited e -> new Closing(OptionalLong.of(e.code()));
            case Closing c -> this;
            case Closed c -> this;
        };
    }

    default Lifecycle closed() {
        return this instanceof Closing c ? new Closed(c.exitCode()) : this;
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
            case Closing c -> false;
            case Closed c -> true;
        };
    }

    /** {@link org.gunyah.vmm.managed.ManagedVm#status()}: the VM manager's state, or how the VMM ended the guest. */
    default String status(Vm vm) {
        return switch (this) {
            case Exited e -> "EXITED(" + e.code() + ")";
            case Closing c ->
                c.exitCode().isPresent() ? "EXITED(" + c.exitCode().getAsLong() + ")" : VmState.CLOSED.name();
            case Closed c ->
                c.exitCode().isPresent() ? "EXITED(" + c.exitCode().getAsLong() + ")" : VmState.CLOSED.name();
            case Created c -> managerStatus(vm);
            case Started s -> managerStatus(vm);
        };
    }

    /** {@code EXITED(code)}; {@code CRASHED(reason)} with the backend's reason (the vCPU, what it met, pc and instruction word). */
    private static String managerStatus(Vm vm) {
        VmState state = vm.state();
        return switch (state) {
            case EXITED -> "EXITED(" + vm.exitInfo().map(i -> i.code()).orElse(0L) + ")";
            case CRASHED -> vm.crashReason().map(r -> "CRASHED(" + r + ")").orElse(state.name());
            default -> state.name();
        };
    }
}
