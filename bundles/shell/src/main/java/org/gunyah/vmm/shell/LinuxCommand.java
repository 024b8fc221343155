package org.gunyah.vmm.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.Serial;
import org.gunyah.vmm.managed.VmDeclaration;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code gunyah:linux}, what {@code bin/gunyah linux} runs: boots a Linux kernel in a VM made as a
 * declared VM is ({@link #declaration}), puts the process's terminal in raw mode
 * ({@link RawTerminal}) and attaches it to the VM's PL011: typed keys go to the guest (but for the
 * {@link EscapeKeys}: Ctrl-A X stops the VM), the guest's output comes out as it is written. It
 * returns when the guest is down: EXITED(0), or a stop by Ctrl-A X, is success; EXITED(n) hands n
 * to the launcher as the process's exit status; anything else (CRASHED(reason), ...) fails (EIO)
 * with the status, which {@code bin/gunyah} prints on standard error and exits 1 for.
 *
 * <p>It reads the process's standard input until the guest is down, so it belongs to a runtime
 * started for it ({@code bin/gunyah linux}, {@code bin/gunyah -c}), not to the interactive console.
 */
@Component(
        service = LinuxCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=linux"})
public final class LinuxCommand {
    /** How long typed bytes wait for room in the PL011's input buffer before the wait starts over. */
    private static final Duration TYPING_WAIT = Duration.ofMinutes(1);

    private static final Duration WATCH = Duration.ofSeconds(1);
    private static final Pattern EXITED = Pattern.compile("EXITED\\((-?\\d+)\\)");

    private final ManagedVms vms;
    private final BundleContext context;

    @Activate
    public LinuxCommand(@Reference ManagedVms vms, BundleContext context) {
        this.vms = vms;
        this.context = context;
    }

    @Descriptor("boot a Linux kernel with this terminal on the VM's PL011 (Ctrl-A X stops it, Ctrl-A H lists the keys)")
    public void linux(
            CommandSession session,
            @Descriptor("the arm64 kernel Image") @Parameter(names = "--kernel", absentValue = "") String kernel,
            @Descriptor("an initramfs") @Parameter(names = "--initrd", absentValue = "") String initrd,
            @Descriptor("the kernel's command line") @Parameter(names = "--append", absentValue = "") String append,
            @Descriptor("vCPUs, 1 to 64") @Parameter(names = "--vcpus", absentValue = "1") String vcpus,
            @Descriptor("guest RAM, with K, M or G") @Parameter(names = "--memory", absentValue = "512M") String memory,
            @Descriptor("backend (default: the preferred one)") @Parameter(names = "--hypervisor", absentValue = "")
                    String hypervisor,
            @Descriptor("the VM's name") @Parameter(names = "--name", absentValue = "linux") String name)
            throws GunyahException, InterruptedException {
        if (kernel.isEmpty()) {
            throw GunyahException.of(Errno.EINVAL, "gunyah:linux needs --kernel <Image>");
        }
        Path cwd = session == null || session.currentDir() == null ? Path.of("") : session.currentDir();
        Path home = Path.of(context.getProperty("gunyah.home") == null ? "" : context.getProperty("gunyah.home"));
        VmDeclaration declaration = VmDeclaration.parse(
                declaration(
                        name,
                        hypervisor,
                        memory,
                        vcpus,
                        cwd.resolve(kernel).toAbsolutePath().normalize().toString(),
                        initrd.isEmpty()
                                ? ""
                                : cwd.resolve(initrd)
                                        .toAbsolutePath()
                                        .normalize()
                                        .toString(),
                        append),
                home);
        InputStream keys = session == null ? System.in : session.getKeyboard();
        PrintStream out = session == null ? System.out : session.getConsole();
        ManagedVm vm = vms.launch(declaration, line -> {
            // the lines are in vm-console; the terminal shows the bytes as they come
        });
        String status;
        try (RawTerminal raw = RawTerminal.enter()) {
            status = attach(vm, keys, out) ? "stopped" : vm.status();
        } finally {
            vm.close();
        }
        end(vm.name(), status);
    }

    /**
     * The declaration of the Linux VM, in the properties a {@code conf/} file or {@code vm-create}
     * would give: the same creation path as every VM.
     *
     * <p>JOIN POINT with the Linux boot protocol: {@code kernel}, {@code initrd} and {@code bootargs}
     * are the declaration options that work adds (the VMM loads the Image, places the initrd and
     * writes the Linux devicetree with its PL011 node); until it is in, the declaration refuses
     * them as unknown (EINVAL naming the property), which is the message a user gets.
     */
    static Map<String, Object> declaration(
            String name,
            String hypervisor,
            String memory,
            String vcpus,
            String kernel,
            String initrd,
            String bootargs) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        if (!hypervisor.isEmpty()) {
            p.put("hypervisor", hypervisor);
        }
        p.put("memory", memory);
        p.put("vcpus", vcpus);
        p.put("devices", "console, exit-register, pl011");
        p.put("kernel", kernel);
        if (!initrd.isEmpty()) {
            p.put("initrd", initrd);
        }
        if (!bootargs.isEmpty()) {
            p.put("bootargs", bootargs);
        }
        return p;
    }

    /**
     * The terminal on the VM's serial line until the guest is down, or the user stops it (true).
     * The keys are read on a daemon thread of their own, which a read blocked at the VM's end
     * leaves behind: the process ends after this.
     */
    static boolean attach(ManagedVm vm, InputStream keys, PrintStream out)
            throws GunyahException, InterruptedException {
        Serial serial = vm.serial()
                .orElseThrow(() -> GunyahException.of(Errno.EINVAL, "VM %s has no PL011 to attach to", vm.name()));
        java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();
        try (Serial.Attachment a = serial.attach(out)) {
            Thread.ofPlatform()
                    .daemon()
                    .name("gunyah-terminal-" + vm.name())
                    .start(() -> type(vm, serial, keys, out, stopped));
            while (!vm.awaitDown(WATCH)) {
                // the guest runs on
            }
        }
        return stopped.get();
    }

    /** Typed keys to the guest until the user stops the VM, the input ends, or the VM is gone. */
    private static void type(
            ManagedVm vm,
            Serial serial,
            InputStream keys,
            PrintStream out,
            java.util.concurrent.atomic.AtomicBoolean stopped) {
        EscapeKeys escapes = new EscapeKeys();
        byte[] buffer = new byte[256];
        try {
            int n;
            while ((n = keys.read(buffer)) > 0) {
                EscapeKeys.Typed typed = escapes.feed(buffer, n);
                int sent = 0;
                while (sent < typed.toGuest().length) {
                    byte[] rest = java.util.Arrays.copyOfRange(typed.toGuest(), sent, typed.toGuest().length);
                    sent += serial.send(rest, TYPING_WAIT);
                }
                if (typed.help()) {
                    out.print("\r\n" + EscapeKeys.HELP);
                    out.flush();
                }
                if (typed.stop()) {
                    stopped.set(true);
                    vm.close();
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

    /** How the run ends: see the class comment. */
    private void end(String vm, String status) throws GunyahException {
        if (status.equals("stopped") || status.equals("EXITED(0)")) {
            return;
        }
        Matcher m = EXITED.matcher(status);
        if (m.matches() && exitCode(m.group(1)) > 0 && tellLauncher(exitCode(m.group(1)))) {
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
    private boolean tellLauncher(int status) {
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
