package org.gunyah.vmm.shell;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.FunctionFields;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.Numbers;
import org.gunyah.vmm.managed.VmSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The VM commands. Their names have hyphens, which Gogo cannot map to Java methods, so they all
 * arrive at {@link #_main}, which parses them with {@link CommandLine}; each takes {@code --help},
 * and {@code gunyah:gunyah} lists every command of the scope.
 */
@Component(
        service = VmCommands.class,
        property = {
            "osgi.command.scope=gunyah",
            "osgi.command.function=gunyah",
            "osgi.command.function=vm-create",
            "osgi.command.function=vm-start",
            "osgi.command.function=vm-destroy",
            "osgi.command.function=vm-console",
            "osgi.command.function=vm-wait",
            "osgi.command.function=vm-input",
            "osgi.command.function=vm-attach",
            "osgi.command.function=vm-devices",
            "osgi.command.function=fn-add",
            "osgi.command.function=fn-remove"
        })
public final class VmCommands {
    static final List<CommandLine.Usage> USAGES = List.of(
            new CommandLine.Usage(
                    "vm-create",
                    "<name> [--hypervisor <name>] [--memory <size>] [--image <file> | --kernel <Image> [--initrd"
                            + " <file>] [--bootargs <args>]] [--watchdog <time>] [--devices <list>]",
                    "create a VM with RAM (default 16M) at 0x40000000 and a raw image copied to its start, or an arm64"
                            + " Linux kernel (with its initrd and command line) booted by the Linux boot protocol; with"
                            + " --watchdog (500ms, 30s, 2m) it ends CRASHED when its console stays silent that long;"
                            + " --devices adds devices to the default ones, as a declaration names them:"
                            + " \"virtio-rng, virtio-blk file=disk.img readonly=true\" (see vm-devices)",
                    List.of("hypervisor", "memory", "image", "kernel", "initrd", "bootargs", "watchdog", "devices"),
                    1,
                    1),
            new CommandLine.Usage(
                    "vm-start",
                    "<vm>",
                    "write the devicetree from the VM's functions, start it and run its vCPUs",
                    List.of(),
                    1,
                    1),
            new CommandLine.Usage("vm-destroy", "<vm>", "stop the VM and return everything it holds", List.of(), 1, 1),
            new CommandLine.Usage(
                    "vm-devices",
                    "[<vm>]",
                    "list a VM's devices of device bundles (window, SPI, attached or held while replaced), or without"
                            + " a VM the device models the bundles provide",
                    List.of(),
                    0,
                    1),
            new CommandLine.Usage(
                    "vm-console",
                    "<vm>",
                    "print what the guest wrote to its console (and, once it is down, how it went down)",
                    List.of(),
                    1,
                    1),
            new CommandLine.Usage(
                    "vm-wait",
                    "<vm> [--timeout <duration>]",
                    "wait until the guest is down and print how it ended; fails (EIO) unless EXITED(0), with ETIMEDOUT"
                            + " at the timeout (500ms, 30s, 5m, 1h; without one it waits as long as it takes)",
                    List.of("timeout"),
                    1,
                    1),
            new CommandLine.Usage(
                    "vm-input",
                    "<vm> [--wait <duration>] <text> ...",
                    "type text into the VM's PL011, as on its serial line: the words joined by spaces, where \\n,"
                            + " \\r, \\t, \\e (escape), \\\\ and \\xHH stand for their bytes (so 'ls\\n' runs ls in a"
                            + " shell); --wait waits that long for a declared VM to start; EAGAIN when the UART's input"
                            + " buffer stays full",
                    List.of("wait"),
                    2,
                    Integer.MAX_VALUE),
            new CommandLine.Usage(
                    "vm-attach",
                    "<vm> [--wait <duration>]",
                    "this process's terminal on the VM's PL011 until the guest is down (Ctrl-A X stops the VM, Ctrl-A"
                        + " H lists the keys), waiting up to --wait (default 30s) for a declared VM to start;"
                        + " EXITED(n) becomes bin/gunyah's exit status, another end fails with EIO. For bin/gunyah -c,"
                        + " not the console",
                    List.of("wait"),
                    1,
                    1),
            new CommandLine.Usage(
                    "fn-add",
                    "<vm> <type|name> [key=value ...]",
                    "add a function: vcpu id=N | irqfd label=N [level=true] [fd=N] | ioeventfd addr=A len=N"
                            + " [datamatch=V] [fd=N] | arg=HEX for other types; makes the eventfd when fd= is absent",
                    List.of(),
                    2,
                    Integer.MAX_VALUE),
            new CommandLine.Usage(
                    "fn-remove",
                    "<vm> <type|name> [key=value ...]",
                    "remove the function instance the fields name (as fn-add), closing the eventfd fn-add made",
                    List.of(),
                    2,
                    Integer.MAX_VALUE));

    private final VmManager manager;
    private final FunctionAdmin admin;
    private final ManagedVms managed;
    private final CreatedEventFds eventFds = new CreatedEventFds();
    private final org.osgi.framework.BundleContext context;

    @Activate
    public VmCommands(
            @Reference VmManager manager,
            @Reference FunctionAdmin admin,
            @Reference ManagedVms managed,
            org.osgi.framework.BundleContext context) {
        this.manager = manager;
        this.admin = admin;
        this.managed = managed;
        this.context = context;
    }

    @Deactivate
    void deactivate() {
        eventFds.closeAll();
    }

    @Descriptor(
            "the gunyah commands: vm-create, vm-start, vm-wait, vm-destroy, vm-console, vm-input, vm-attach, fn-add,"
                    + " fn-remove (each takes --help)")
    public Object _main(CommandSession session, String command, String... args) throws GunyahException {
        if (command.equals("gunyah")) {
            return overview();
        }
        CommandLine.Usage usage = USAGES.stream()
                .filter(u -> u.name().equals(command))
                .findFirst()
                .orElseThrow(() -> GunyahException.of(Errno.ENOENT, "no command gunyah:%s", command));
        List<String> list = Arrays.asList(args);
        if (list.contains("--help") || list.contains("-h")) {
            return usage.line() + "\n  " + usage.description();
        }
        CommandLine line = CommandLine.parse(usage, list);
        return switch (command) {
            case "vm-create" -> create(session, line);
            case "vm-start" -> start(line.positional().getFirst());
            case "vm-destroy" -> destroy(line.positional().getFirst());
            case "vm-devices" -> devices(line.positional());
            case "vm-console" -> console(line.positional().getFirst());
            case "vm-wait" -> await(line.positional().getFirst(), line.option("timeout"));
            case "vm-attach" -> attach(session, line.positional().getFirst(), line.option("wait"));
            case "vm-input" ->
                input(
                        line.positional().getFirst(),
                        line.option("wait"),
                        String.join(
                                " ",
                                line.positional().subList(1, line.positional().size())));
            case "fn-add" -> addFunction(line.positional());
            case "fn-remove" -> removeFunction(line.positional());
            default -> throw GunyahException.of(Errno.ENOENT, "no command gunyah:%s", command);
        };
    }

    private static String overview() {
        StringBuilder b = new StringBuilder(
                "gunyah:functions                      list function types (and gunyah:deploy, gunyah:undeploy; see"
                        + " help)\n"
                        + "gunyah:vms                            list VMs\n"
                        + "gunyah:demo [--hypervisor <name>]     run the demo VM\n"
                        + "gunyah:shutdown                       stop the runtime and every VM\n");
        for (CommandLine.Usage u : USAGES) {
            b.append(u.line()).append("\n    ").append(u.description()).append('\n');
        }
        return b.toString().stripTrailing();
    }

    private String create(CommandSession session, CommandLine line) throws GunyahException {
        Path dir = session == null || session.currentDir() == null ? Path.of("") : session.currentDir();
        VmSpec spec = spec(line, dir);
        ManagedVm vm = managed.create(spec);
        return String.format(
                "created VM %s (id %d) on %s: %s of RAM at 0x%x%s",
                vm.name(),
                vm.vm().id(),
                vm.vm().hypervisor(),
                size(spec.memorySize()),
                spec.ramBase(),
                switch (spec.boot()) {
                    case Boot.RawImage raw ->
                        raw.image().map(i -> ", image " + i.getFileName()).orElse("");
                    case Boot.Linux linux ->
                        ", kernel " + linux.kernel().getFileName()
                                + linux.initrd()
                                        .map(i -> ", initrd " + i.getFileName())
                                        .orElse("");
                });
    }

    /** The VM {@code vm-create}'s options describe; paths are relative to {@code dir}. A Linux VM has the PL011 as well as the default devices; {@code --devices} adds to them. */
    static VmSpec spec(CommandLine line, Path dir) throws GunyahException {
        VmSpec spec = VmSpec.of(line.positional().getFirst());
        if (line.option("hypervisor").isPresent()) {
            spec = spec.withHypervisor(line.option("hypervisor").get());
        }
        if (line.option("memory").isPresent()) {
            spec = spec.withMemory(
                    Numbers.parseSize("--memory", line.option("memory").get()));
        }
        spec = spec.withBoot(boot(line, dir));
        if (line.option("watchdog").isPresent()) {
            spec = spec.withSupervision(spec.supervision()
                    .withWatchdog(Numbers.parseDuration(
                            "--watchdog", line.option("watchdog").get())));
        }
        java.util.Set<Devices.Model> builtIn = Devices.defaults(spec.boot());
        List<org.gunyah.vmm.managed.DeviceSpec> plugged = List.of();
        if (line.option("devices").isPresent()) {
            org.gunyah.vmm.managed.DeclaredDevices added = org.gunyah.vmm.managed.DeclaredDevices.parse(
                    line.option("devices").get(), dir);
            builtIn.addAll(added.builtIn());
            plugged = added.plugged();
        }
        return spec.withDevices(builtIn).withPluggedDevices(plugged);
    }

    /** {@code --image}, or {@code --kernel} with {@code --initrd} and {@code --bootargs}: EINVAL for both, or Linux options without a kernel. */
    static Boot boot(CommandLine line, Path dir) throws GunyahException {
        if (line.option("image").isPresent() && line.option("kernel").isPresent()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "--image %s and --kernel %s are exclusive: a VM boots a raw image or a Linux kernel",
                    line.option("image").get(),
                    line.option("kernel").get());
        }
        if (line.option("kernel").isEmpty()) {
            for (String linuxOnly : List.of("initrd", "bootargs")) {
                if (line.option(linuxOnly).isPresent()) {
                    throw GunyahException.of(Errno.EINVAL, "--%s is for a Linux VM: it needs --kernel", linuxOnly);
                }
            }
            return new Boot.RawImage(
                    line.option("image").isPresent() ? Optional.of(path(line, "image", dir)) : Optional.empty());
        }
        return new Boot.Linux(
                path(line, "kernel", dir),
                line.option("initrd").isPresent() ? Optional.of(path(line, "initrd", dir)) : Optional.empty(),
                line.option("bootargs").orElse(""));
    }

    private static Path path(CommandLine line, String option, Path dir) throws GunyahException {
        String text = line.option(option).orElseThrow();
        try {
            return dir.resolve(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw GunyahException.of(Errno.EINVAL, "--%s '%s' is not a path: %s", option, text, e.getReason());
        }
    }

    private static String size(long bytes) {
        if (bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        return bytes % (1L << 20) == 0
                ? (bytes >> 20) + " MiB"
                : bytes % 1024 == 0 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    private String start(String name) throws GunyahException {
        ManagedVm vm = managed(name);
        vm.start();
        return String.format(
                "started VM %s: %d vCPU%s running, console at 0x%x",
                vm.name(), vm.runningVcpus(), vm.runningVcpus() == 1 ? "" : "s", Devices.CONSOLE_BASE);
    }

    /** The guest's console; once the guest is down, a last line says how ({@code CRASHED(reason)}, say). */
    private String devices(List<String> vm) throws GunyahException {
        if (vm.isEmpty()) {
            java.util.Set<String> models = managed.deviceModels();
            return models.isEmpty()
                    ? "no device models (a device bundle provides one: virtio-rng, ...)"
                    : "device models: " + String.join(", ", models);
        }
        List<org.gunyah.vmm.managed.DeviceInfo> devices = managed(vm.getFirst()).devices();
        return devices.isEmpty()
                ? "VM " + vm.getFirst() + " has no devices of device bundles"
                : devices.stream().map(Object::toString).collect(java.util.stream.Collectors.joining("\n"));
    }

    private String console(String name) throws GunyahException {
        ManagedVm vm = managed(name);
        String text = vm.console();
        if (!isDown(vm)) {
            return text;
        }
        return text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "(the guest is down: " + vm.status() + ")";
    }

    private static boolean isDown(ManagedVm vm) {
        try {
            return vm.awaitDown(Duration.ZERO);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code vm-wait}: until the guest is down (or the timeout), then its status; EIO unless
     * EXITED(0), ETIMEDOUT when it still runs at the timeout, EINTR when interrupted (Ctrl-C).
     */
    private String await(String name, Optional<String> timeout) throws GunyahException {
        Duration bound = timeout.isPresent() ? parseDuration(timeout.get()) : null;
        ManagedVm vm = managed(name);
        try {
            boolean down;
            if (bound != null) {
                down = vm.awaitDown(bound);
            } else {
                do {
                    down = vm.awaitDown(Duration.ofMinutes(1));
                } while (!down);
            }
            if (!down) {
                throw GunyahException.of(
                        Errno.ETIMEDOUT, "VM %s is still %s after %s", name, vm.status(), timeout.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "vm-wait %s was interrupted; VM %s is %s", name, name, vm.status());
        }
        String status = vm.status();
        if (!status.equals("EXITED(0)")) {
            throw GunyahException.of(Errno.EIO, "VM %s ended %s, not EXITED(0)", name, status);
        }
        return "VM " + name + ": " + status;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h} (or ISO-8601, {@code PT30S}); EINVAL otherwise or when negative. */
    static Duration parseDuration(String text) throws GunyahException {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d{1,12})(ms|s|m|h)").matcher(text);
        try {
            Duration d;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                d = Duration.parse(text);
            }
            if (d.isNegative()) {
                throw GunyahException.of(Errno.EINVAL, "--timeout '%s' is negative", text);
            }
            return d;
        } catch (java.time.format.DateTimeParseException | ArithmeticException e) {
            throw GunyahException.of(
                    Errno.EINVAL, "--timeout '%s' is not a duration (such as 500ms, 30s, 5m or 1h)", text);
        }
    }

    /** How long {@code vm-attach} waits for a VM of the name to start, unless told. */
    private static final Duration ATTACH_WAIT = Duration.ofSeconds(30);

    /** The VM of that name once started, waiting up to {@code bound} (a declared VM starts on its own); ENOENT after. */
    private ManagedVm started(String name, Duration bound) throws GunyahException {
        try {
            return managed.await(name, bound)
                    .orElseThrow(() -> GunyahException.of(
                            Errno.ENOENT, "no VM %s started within %s (gunyah:vms lists them)", name, bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "waiting for VM %s was interrupted", name);
        }
    }

    /** {@code vm-attach}: see {@link TerminalAttach}; returns nothing, as the terminal showed it all. */
    private Object attach(CommandSession session, String name, Optional<String> wait) throws GunyahException {
        ManagedVm vm = started(name, wait.isPresent() ? parseDuration(wait.get()) : ATTACH_WAIT);
        try {
            String status = TerminalAttach.attach(
                    vm,
                    session == null ? System.in : session.getKeyboard(),
                    session == null ? System.out : session.getConsole());
            TerminalAttach.finish(context, name, status);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "vm-attach %s was interrupted", name);
        }
    }

    /** How long {@code vm-input} waits for the guest to make room in the PL011's input buffer. */
    private static final Duration INPUT_WAIT = Duration.ofSeconds(5);

    private String input(String name, Optional<String> wait, String text) throws GunyahException {
        ManagedVm vm = wait.isPresent() ? started(name, parseDuration(wait.get())) : managed(name);
        org.gunyah.vmm.managed.Serial serial = vm.serial()
                .orElseThrow(() -> GunyahException.of(
                        Errno.EINVAL,
                        "VM %s has no PL011 (its devices: %s)",
                        name,
                        vm.spec().devices()));
        byte[] bytes = TypedText.bytes(text);
        int sent;
        try {
            sent = serial.send(bytes, INPUT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "vm-input %s was interrupted", name);
        }
        if (sent < bytes.length) {
            throw GunyahException.of(
                    Errno.EAGAIN,
                    "VM %s took %d of %d bytes: the PL011's input buffer stayed full for %d s (the guest is not"
                            + " reading)",
                    name,
                    sent,
                    bytes.length,
                    INPUT_WAIT.toSeconds());
        }
        return "sent " + sent + " byte" + (sent == 1 ? "" : "s") + " to VM " + name;
    }

    private String destroy(String name) throws GunyahException {
        Optional<ManagedVm> vm = managed.find(name);
        Vm raw = vm.map(ManagedVm::vm).orElseGet(() -> rawVm(name).orElse(null));
        if (raw == null) {
            throw noSuchVm(name);
        }
        int id = raw.id();
        if (vm.isPresent()) {
            vm.get().close();
        } else {
            raw.close();
        }
        eventFds.closeAll(id);
        return "destroyed VM " + name;
    }

    private ManagedVm managed(String name) throws GunyahException {
        return managed.find(name)
                .orElseThrow(() -> rawVm(name).isPresent()
                        ? GunyahException.of(
                                Errno.EINVAL, "VM %s was not made by gunyah:vm-create or a configuration", name)
                        : noSuchVm(name));
    }

    private Optional<Vm> rawVm(String name) {
        try {
            return manager.vm(Integer.parseInt(name));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private GunyahException noSuchVm(String name) {
        return GunyahException.of(Errno.ENOENT, "no VM %s (gunyah:vms lists them)", name);
    }

    private String addFunction(List<String> args) throws GunyahException {
        Target target = target(args.getFirst());
        int type = resolveType(args.get(1));
        FunctionFields fields = FunctionFields.parse(type, args.subList(2, args.size()));
        EventFd eventFd = fields.needsEventFd() ? manager.createEventFd(0, 0) : null;
        try {
            FunctionDesc desc = fields.desc(eventFd == null ? 0 : eventFd.fd());
            FunctionHandle handle = target.add(desc);
            if (eventFd != null) {
                eventFds.add(target.vm().id(), handle.desc(), eventFd);
            }
            return "added " + describe(fields) + " to VM " + args.getFirst()
                    + (eventFd == null ? "" : " with eventfd " + eventFd.fd());
        } catch (GunyahException | RuntimeException e) {
            if (eventFd != null) {
                eventFd.close();
            }
            throw e;
        }
    }

    private String removeFunction(List<String> args) throws GunyahException {
        Target target = target(args.getFirst());
        int type = resolveType(args.get(1));
        FunctionFields fields = FunctionFields.parse(type, args.subList(2, args.size()));
        List<FunctionDesc> before = target.vm().functions();
        target.remove(fields.desc(0));
        List<FunctionDesc> gone = new ArrayList<>(before);
        target.vm().functions().forEach(gone::remove);
        gone.forEach(d -> eventFds.closeFor(target.vm().id(), d));
        return "removed " + describe(fields) + " from VM " + args.getFirst();
    }

    /** A VM the commands change: through the VMM when it made the VM, so that vCPUs get threads. */
    private record Target(Vm vm, ManagedVm managed) {
        FunctionHandle add(FunctionDesc desc) throws GunyahException {
            return managed != null ? managed.addFunction(desc) : vm.addFunction(desc);
        }

        void remove(FunctionDesc desc) throws GunyahException {
            if (managed != null) {
                managed.removeFunction(desc);
            } else {
                vm.removeFunction(desc);
            }
        }
    }

    private Target target(String name) throws GunyahException {
        Optional<ManagedVm> vm = managed.find(name);
        if (vm.isPresent()) {
            return new Target(vm.get().vm(), vm.get());
        }
        return new Target(rawVm(name).orElseThrow(() -> noSuchVm(name)), null);
    }

    /** The fields as typed, the type by its provider's name (a third party's type is not "type 42"). */
    private String describe(FunctionFields fields) {
        return admin.functionType(fields.type())
                .map(t -> fields.describe(t.provider().name()))
                .orElseGet(fields::describe);
    }

    /** A type number, or a name: a provider's (installed bundles included) or a built-in type's. */
    int resolveType(String typeOrName) throws GunyahException {
        if (!typeOrName.isEmpty() && Character.isDigit(typeOrName.charAt(0))) {
            return Numbers.parseU32("type", typeOrName);
        }
        for (FunctionTypeInfo t : admin.functionTypes()) {
            if (typeOrName.equals(t.provider().name())) {
                return t.type();
            }
        }
        for (int builtin : new int[] {FunctionType.VCPU, FunctionType.IRQFD, FunctionType.IOEVENTFD}) {
            if (FunctionType.describe(builtin).equals(typeOrName)) {
                return builtin;
            }
        }
        throw GunyahException.of(Errno.ENOENT, "no function type named %s (gunyah:functions lists them)", typeOrName);
    }
}
