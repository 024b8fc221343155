package org.gunyah.vmm.shell;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.Supervision;
import org.gunyah.vmm.managed.VmDeclaration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code gunyah:linux}, what {@code bin/gunyah linux} runs: boots a Linux kernel in a VM made as a
 * declared VM is ({@link #declaration}) and attaches the process's terminal to the VM's PL011
 * until the guest is down ({@link TerminalAttach}: Ctrl-A X stops it; the guest's end is the
 * run's exit status). The VM is torn down when the run ends.
 */
@Component(
        service = LinuxCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=linux"})
public final class LinuxCommand {
    /**
     * The backend a Linux VM runs on unless told: the emulated one, the backend that executes
     * AArch64 on every host (the preferred backend may be KVM on x86, which cannot run an arm64
     * kernel).
     */
    static final String DEFAULT_HYPERVISOR = "emulated";

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
            @Descriptor("backend (default: emulated, where arm64 guests run here; KVM runs x86 ones)")
                    @Parameter(names = "--hypervisor", absentValue = DEFAULT_HYPERVISOR)
                    String hypervisor,
            @Descriptor("the VM's name") @Parameter(names = "--name", absentValue = "linux") String name,
            @Descriptor("end the VM CRASHED after this long without console output (500ms, 30s, 2m)")
                    @Parameter(names = "--watchdog", absentValue = "")
                    String watchdog,
            @Descriptor("what the guest's reset (reboot) does: stop or restart")
                    @Parameter(names = "--reset", absentValue = "stop")
                    String reset,
            @Descriptor("devices of device bundles to add: \"virtio-rng, virtio-blk file=disk.img\"")
                    @Parameter(names = "--devices", absentValue = "")
                    String devices)
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
                        append,
                        watchdog,
                        reset,
                        filesFrom(devices, cwd)),
                home);
        InputStream keys = session == null ? System.in : session.getKeyboard();
        PrintStream out = session == null ? System.out : session.getConsole();
        Consumer<String> lines = line -> {
            // the lines are in vm-console; the terminal shows the bytes as they come
        };
        AtomicReference<ManagedVm> vm = new AtomicReference<>(vms.launch(declaration, lines));
        TerminalAttach.Relaunch relaunch = declaration.spec().supervision().onReset() == Supervision.OnReset.RESTART
                ? ended -> {
                    ended.close();
                    vm.set(vms.launch(declaration, lines));
                    return Optional.of(vm.get());
                }
                : TerminalAttach.Relaunch.NEVER;
        String status;
        try {
            status = TerminalAttach.attach(vm.get(), keys, out, relaunch);
        } finally {
            vm.get().close();
        }
        TerminalAttach.finish(context, vm.get().name(), status);
    }

    /** {@code devices} with each relative {@code file=} made absolute against {@code cwd}, where the user typed it. */
    static String filesFrom(String devices, Path cwd) {
        return java.util.Arrays.stream(devices.split(","))
                .map(entry -> java.util.Arrays.stream(entry.strip().split("\\s+"))
                        .map(w -> w.startsWith("file=")
                                ? "file="
                                        + cwd.resolve(w.substring(5))
                                                .toAbsolutePath()
                                                .normalize()
                                : w)
                        .collect(java.util.stream.Collectors.joining(" ")))
                .filter(e -> !e.isEmpty())
                .collect(java.util.stream.Collectors.joining(", "));
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
            String bootargs,
            String watchdog,
            String reset,
            String devices) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("name", name);
        if (!hypervisor.isEmpty()) {
            p.put("hypervisor", hypervisor);
        }
        p.put("memory", memory);
        p.put("vcpus", vcpus);
        p.put("devices", "console, exit-register, pl011" + (devices.isBlank() ? "" : ", " + devices));
        p.put("kernel", kernel);
        if (!initrd.isEmpty()) {
            p.put("initrd", initrd);
        }
        if (!bootargs.isEmpty()) {
            p.put("bootargs", bootargs);
        }
        if (!watchdog.isEmpty()) {
            p.put("watchdog", watchdog);
        }
        p.put("reset", reset);
        return p;
    }
}
