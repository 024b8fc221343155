package org.gunyah.vmm.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.Serial;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * The process's terminal on a VM's serial line ({@code gunyah:linux}, {@code gunyah:vm-attach}):
 * raw mode ({@link RawTerminal}), typed keys to the guest's PL011 but for the {@link EscapeKeys}
 * (Ctrl-A X stops the VM), the guest's bytes out as they come, until the guest is down. Then its
 * end becomes the run's: EXITED(0) or a stop by Ctrl-A X is success; EXITED(n), n in 1..255,
 * is handed to the launcher as the process's exit status; anything else (CRASHED(reason), an exit
 * code no process can have) fails with EIO and the status, which bin/gunyah prints on standard
 * error and exits 1 for.
 *
 * <p>The keys are read on a daemon thread of its own until the input ends; a read still blocked
 * when the guest is down stays behind, so this belongs to a runtime started for it
 * ({@code bin/gunyah linux}, {@code bin/gunyah -c}), not to the interactive console.
 */
final class TerminalAttach {
    /** What {@link #attach} returns when the user stopped the VM. */
    static final String STOPPED = "stopped";

    /** How long typed bytes wait for room in the PL011's input buffer before the wait starts over. */
    private static final Duration TYPING_WAIT = Duration.ofMinutes(1);

    private static final Duration WATCH = Duration.ofSeconds(1);
    private static final Pattern EXITED = Pattern.compile("EXITED\\((-?\\d+)\\)");

    private TerminalAttach() {}

    /**
     * What follows a guest's reset: the VM launched again (the reset one closed), or empty to end
     * the attachment with the reset's status.
     */
    interface Relaunch {
        Optional<ManagedVm> after(ManagedVm reset) throws GunyahException;

        Relaunch NEVER = reset -> Optional.empty();
    }

    /** Attached until the guest is down: its status then, or {@link #STOPPED}. */
    static String attach(ManagedVm vm, InputStream keys, PrintStream out) throws GunyahException, InterruptedException {
        return attach(vm, keys, out, Relaunch.NEVER);
    }

    /**
     * Attached until the guest is down and not relaunched after a reset: its status then, or
     * {@link #STOPPED}. The keys go to whichever VM runs now.
     */
    static String attach(ManagedVm first, InputStream keys, PrintStream out, Relaunch relaunch)
            throws GunyahException, InterruptedException {
        AtomicReference<ManagedVm> current = new AtomicReference<>(first);
        AtomicBoolean stopped = new AtomicBoolean();
        ManagedVm vm = first;
        Serial serial = serial(vm);
        try (RawTerminal raw = RawTerminal.enter()) {
            Thread.ofPlatform()
                    .daemon()
                    .name("gunyah-terminal-" + vm.name())
                    .start(() -> type(current, keys, out, stopped));
            while (true) {
                try (Serial.Attachment a = serial.attach(out)) {
                    while (!vm.awaitDown(WATCH)) {
                        // the guest runs on
                    }
                }
                if (stopped.get() || !vm.resetRequested()) {
                    break;
                }
                Optional<ManagedVm> next = relaunch.after(vm);
                if (next.isEmpty()) {
                    break;
                }
                vm = next.get();
                serial = serial(vm);
                current.set(vm);
            }
        }
        return stopped.get() ? STOPPED : vm.status();
    }

    private static Serial serial(ManagedVm vm) throws GunyahException {
        return vm.serial()
                .orElseThrow(() -> GunyahException.of(
                        Errno.EINVAL,
                        "VM %s has no PL011 to attach to (its devices: %s)",
                        vm.name(),
                        vm.spec().devices()));
    }

    /** Typed keys to the current guest until the user stops the VM, the input ends, or the VM is gone. */
    private static void type(
            AtomicReference<ManagedVm> current, InputStream keys, PrintStream out, AtomicBoolean stopped) {
        EscapeKeys escapes = new EscapeKeys();
        byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = keys.read(buffer)) > 0) {
                EscapeKeys.Typed typed = escapes.feed(buffer, n);
                byte[] rest = typed.toGuest();
                ManagedVm vm = current.get();
                Optional<Serial> serial = vm.serial();
                while (rest.length > 0 && serial.isPresent() && !vm.awaitDown(Duration.ZERO)) {
                    rest = Arrays.copyOfRange(rest, serial.get().send(rest, TYPING_WAIT), rest.length);
                }
                if (typed.help()) {
                    out.print("\r\n" + EscapeKeys.HELP);
                    out.flush();
                }
                if (typed.stop()) {
                    stopped.set(true);
                    current.get().close();
                    return;
                }
            }
            // End of input (a pipe that ran dry): the guest runs on, as with QEMU's -serial stdio.
        } catch (IOException e) {
            // the terminal went away: the guest runs on until it ends or the runtime stops
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the run as the class comment says, for VM {@code vm} that ended with {@code status}. */
    static void finish(BundleContext context, String vm, String status) throws GunyahException {
        if (status.equals(STOPPED) || status.equals("EXITED(0)")) {
            return;
        }
        Matcher m = EXITED.matcher(status);
        if (m.matches() && exitCode(m.group(1)) > 0 && tellLauncher(context, exitCode(m.group(1)))) {
            return;
        }
        throw GunyahException.of(Errno.EIO, "VM %s ended %s", vm, status);
    }

    /** The guest's exit code as a process's exit status (0..255), or -1 when it is none. */
    static int exitCode(String code) {
        try {
            long n = Long.parseLong(code);
            return n >= 0 && n <= 255 ? (int) n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Hands the status to bin/gunyah's launcher, which exits with it; false when there is none. */
    private static boolean tellLauncher(BundleContext context, int status) {
        try {
            for (ServiceReference<IntConsumer> ref : context.getServiceReferences(
                    IntConsumer.class, "(" + ScriptRunner.EXIT_PROPERTY + "=exit-status)")) {
                IntConsumer launcher = context.getService(ref);
                if (launcher != null) {
                    try {
                        launcher.accept(status);
                        return true;
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // the framework is going down
        }
        return false;
    }
}
