package org.gunyah.vmm.managed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;

/**
 * A VM described by properties, as a Configuration Admin factory configuration
 * ({@value #FACTORY_PID}) or a {@code .cfg} file gives it:
 *
 * <pre>
 * name        = demo                       required, as {@link VmSpec#validate} wants it
 * hypervisor  = kvm                        optional: the preferred backend otherwise
 * memory      = 16M                        optional, default 16M (K, M, G suffixes)
 * image       = guests/demo.bin            raw image, relative to the runtime's home folder
 * kernel      = linux/Image                or an arm64 Linux kernel Image (not with image)
 * initrd      = linux/initrd.gz            optional, with kernel: the initramfs
 * bootargs    = console=ttyAMA0            optional, with kernel: the kernel's command line
 * vcpus       = 2                          optional, default 1: vcpu functions id=0..n-1
 * irqfds      = ["label=1", "label=2 level=true cpu=1"]
 * ioeventfds  = ["addr=0x0a000000 len=4 irq=1", "addr=0x0a000008 len=4 datamatch=7"]
 * devices     = console, exit-register     optional: the device models (console, exit-register, pl011;
 *                                          default: console and exit-register), and devices of
 *                                          device bundles with their options: virtio-rng, virtio-blk
 *                                          file=disk.img
 * functions   = ["counter arg=00000a0900000000", "ioeventfd addr=0x0a000010 len=4"]
 * watchdog    = 60s                        optional: CRASHED after that long without console output
 * reset       = restart                    optional, default stop: what the guest's reset does
 * </pre>
 *
 * A VM boots either the raw {@code image} or the {@code kernel} ({@link Boot.Linux}); paths are
 * relative to the runtime's home folder. A VM with a kernel has the PL011 among its default device
 * models ({@link Devices#defaults}). A Linux VM's RAM should be large enough for its kernel
 * (Debian's takes some 30 MiB before it runs: {@code memory = 512M} is a good start).
 * Every irqfd and ioeventfd gets an eventfd made for it and closed with the VM. An irqfd's
 * {@code cpu=<vcpu id>} aims its interrupt at that vCPU in the devicetree (default: the first). An
 * ioeventfd with {@code irq=<label>} is answered by the VMM: each ring signals that irqfd, and a
 * ring that reaches the VMM as an MMIO exit, because the ioeventfd is not bound at that moment,
 * is answered the same way (see {@link Devices}).
 * Each {@code functions} entry is a function of any type, named by its type's name (the name a
 * function bundle declares, as {@code gunyah:functions} lists it, or vcpu, irqfd, ioeventfd),
 * followed by its fields: {@code arg=HEX} (the argument's bytes) for a type the VMM does not know,
 * the fields of {@link FunctionFields} for the three it does. The name is resolved when the VM is
 * launched, among the types the framework knows (installed bundles included, which the first use
 * loads): a name no bundle provides is ENOENT then, naming it.
 * A device's {@code file=} option (a disk image) resolves against the home folder as {@code image}
 * does.
 * {@code watchdog} and {@code reset} are the VM's {@link Supervision}: a duration in ms, s, m or h
 * (at least 100ms), and stop or restart.
 * A list may also be one string with entries separated by commas. Anything unknown or malformed
 * is EINVAL naming the property. {@link #parse} reads properties, {@link #read} the {@link Source}
 * a typed configuration gives.
 */
public record VmDeclaration(
        VmSpec spec, int vcpus, List<Interrupt> irqfds, List<Doorbell> ioeventfds, List<Named> functions) {
    public static final String FACTORY_PID = "org.gunyah.vmm.vm";
    public static final int MAX_VCPUS = 64;
    /** A type number none of the built-in ones: its fields are the raw argument's. */
    private static final int RAW_TYPE = 0;

    /** An ioeventfd and, when {@code irq} is present, the irqfd label the VMM signals on each ring. */
    public record Doorbell(FunctionFields fields, Optional<Integer> irq) {}

    /** An irqfd and, when {@code cpu} is present, the vCPU its interrupt is aimed at. */
    public record Interrupt(FunctionFields fields, Optional<Integer> cpu) {}

    /**
     * A function named by its type's name, with its {@code key=value} fields as written; the
     * name becomes a type number only at launch ({@link #fields(int)}).
     */
    public record Named(String name, List<String> words) {
        public Named {
            words = List.copyOf(words);
        }

        /** The fields for {@code type}, the number the name resolved to: EINVAL naming the function when they do not fit it. */
        public FunctionFields fields(int type) throws GunyahException {
            try {
                return FunctionFields.parse(type, words);
            } catch (GunyahException e) {
                throw GunyahException.of(e.errno(), "function %s: %s", name, e.getMessage());
            }
        }

        /** The type number of a built-in name (vcpu, irqfd, ioeventfd), else empty. */
        public Optional<Integer> builtinType() {
            for (int type : new int[] {FunctionType.VCPU, FunctionType.IRQFD, FunctionType.IOEVENTFD}) {
                if (FunctionType.describe(type).equals(name)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }

        @Override
        public String toString() {
            return words.isEmpty() ? name : name + " " + String.join(" ", words);
        }
    }

    public VmDeclaration {
        irqfds = List.copyOf(irqfds);
        ioeventfds = List.copyOf(ioeventfds);
        functions = List.copyOf(functions);
    }

    /** A declaration without {@code functions} (as before {@code functions} existed). */
    public VmDeclaration(VmSpec spec, int vcpus, List<Interrupt> irqfds, List<Doorbell> ioeventfds) {
        this(spec, vcpus, irqfds, ioeventfds, List.of());
    }

    private static final List<String> KNOWN = List.of(
            "name",
            "hypervisor",
            "memory",
            "image",
            "kernel",
            "initrd",
            "bootargs",
            "vcpus",
            "irqfds",
            "ioeventfds",
            "devices",
            "functions",
            "watchdog",
            "reset");

    /**
     * A declaration as text, before it is read: what a configuration says, property by property.
     * Blank values count as absent; list entries are stripped and blank ones dropped. An absent
     * {@code devices} means the default device models (console and exit register), an empty one none.
     * (A Linux VM's defaults add the PL011: {@link Devices#defaults}.)
     */
    public record Source(
            Optional<String> name,
            Optional<String> hypervisor,
            Optional<String> memory,
            Optional<String> image,
            Optional<String> vcpus,
            List<String> irqfds,
            List<String> ioeventfds,
            Optional<List<String>> devices,
            List<String> functions,
            Optional<String> kernel,
            Optional<String> initrd,
            Optional<String> bootargs,
            Optional<String> watchdog,
            Optional<String> reset) {
        public Source {
            name = text(name);
            hypervisor = text(hypervisor);
            memory = text(memory);
            image = text(image);
            vcpus = text(vcpus);
            irqfds = entries(irqfds);
            ioeventfds = entries(ioeventfds);
            devices = devices == null ? Optional.empty() : devices.map(Source::entries);
            functions = entries(functions);
            kernel = text(kernel);
            initrd = text(initrd);
            bootargs = text(bootargs);
            watchdog = text(watchdog);
            reset = text(reset);
        }

        /** A source without {@code watchdog} and {@code reset}. */
        public Source(
                Optional<String> name,
                Optional<String> hypervisor,
                Optional<String> memory,
                Optional<String> image,
                Optional<String> vcpus,
                List<String> irqfds,
                List<String> ioeventfds,
                Optional<List<String>> devices,
                List<String> functions,
                Optional<String> kernel,
                Optional<String> initrd,
                Optional<String> bootargs) {
            this(
                    name,
                    hypervisor,
                    memory,
                    image,
                    vcpus,
                    irqfds,
                    ioeventfds,
                    devices,
                    functions,
                    kernel,
                    initrd,
                    bootargs,
                    Optional.empty(),
                    Optional.empty());
        }

        /** A source of a raw-image VM (no {@code kernel}, {@code initrd}, {@code bootargs}). */
        public Source(
                Optional<String> name,
                Optional<String> hypervisor,
                Optional<String> memory,
                Optional<String> image,
                Optional<String> vcpus,
                List<String> irqfds,
                List<String> ioeventfds,
                Optional<List<String>> devices,
                List<String> functions) {
            this(
                    name,
                    hypervisor,
                    memory,
                    image,
                    vcpus,
                    irqfds,
                    ioeventfds,
                    devices,
                    functions,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty());
        }

        /** A source without {@code functions}. */
        public Source(
                Optional<String> name,
                Optional<String> hypervisor,
                Optional<String> memory,
                Optional<String> image,
                Optional<String> vcpus,
                List<String> irqfds,
                List<String> ioeventfds,
                Optional<List<String>> devices) {
            this(name, hypervisor, memory, image, vcpus, irqfds, ioeventfds, devices, List.of());
        }

        private static Optional<String> text(Optional<String> value) {
            return value == null ? Optional.empty() : value.map(String::strip).filter(v -> !v.isEmpty());
        }

        private static List<String> entries(List<String> values) {
            return values == null
                    ? List.of()
                    : values.stream()
                            .map(String::strip)
                            .filter(v -> !v.isEmpty())
                            .toList();
        }
    }

    /**
     * Reads a declaration from properties; {@code home} resolves a relative image path. Dotted
     * names belong to Configuration Admin, DS and FileInstall ({@code service.pid},
     * {@code component.id}, {@code osgi.ds.satisfying.condition.target},
     * {@code felix.fileinstall.filename}) and are ignored; any other unknown name is EINVAL.
     */
    public static VmDeclaration parse(Map<String, ?> properties, Path home) throws GunyahException {
        requireKnown(properties.keySet());
        return read(
                new Source(
                        string(properties, "name"),
                        string(properties, "hypervisor"),
                        string(properties, "memory"),
                        string(properties, "image"),
                        string(properties, "vcpus"),
                        list(properties, "irqfds"),
                        list(properties, "ioeventfds"),
                        properties.containsKey("devices") ? Optional.of(list(properties, "devices")) : Optional.empty(),
                        list(properties, "functions"),
                        string(properties, "kernel"),
                        string(properties, "initrd"),
                        string(properties, "bootargs"),
                        string(properties, "watchdog"),
                        string(properties, "reset")),
                home);
    }

    /** EINVAL for a property name that is neither a declaration's nor dotted (see {@link #parse}). */
    public static void requireKnown(Iterable<String> names) throws GunyahException {
        for (String key : names) {
            if (!KNOWN.contains(key) && !key.contains(".")) {
                throw GunyahException.of(
                        Errno.EINVAL, "VM property '%s' is unknown (known: %s)", key, String.join(", ", KNOWN));
            }
        }
    }

    /** Reads and validates a declaration; {@code home} resolves a relative image path. EINVAL naming what is wrong. */
    public static VmDeclaration read(Source source, Path home) throws GunyahException {
        VmSpec spec = VmSpec.of(
                source.name().orElseThrow(() -> GunyahException.of(Errno.EINVAL, "a VM declaration needs a name")));
        if (source.hypervisor().isPresent()) {
            spec = spec.withHypervisor(source.hypervisor().get());
        }
        if (source.memory().isPresent()) {
            spec = spec.withMemory(Numbers.parseSize("memory", source.memory().get()));
        }
        spec = spec.withBoot(boot(source, home));
        spec = spec.withDevices(Devices.defaults(spec.boot()));
        if (source.devices().isPresent()) {
            DeclaredDevices declared = DeclaredDevices.parse(source.devices().get(), home);
            spec = spec.withDevices(declared.builtIn()).withPluggedDevices(declared.plugged());
        }
        spec = spec.withSupervision(new Supervision(
                source.watchdog().isPresent()
                        ? Optional.of(Numbers.parseDuration(
                                "watchdog", source.watchdog().get()))
                        : Optional.empty(),
                source.reset().isPresent()
                        ? Supervision.OnReset.of("reset", source.reset().get())
                        : Supervision.OnReset.STOP));
        spec.validate();
        int vcpus = source.vcpus().isPresent()
                ? (int) Math.min(
                        Integer.MAX_VALUE, Numbers.parse("vcpus", source.vcpus().get()))
                : 1;
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw GunyahException.of(Errno.EINVAL, "vcpus must be 1..%d", MAX_VCPUS);
        }
        List<Interrupt> irqfds = new ArrayList<>();
        for (String entry : source.irqfds()) {
            List<String> words = new ArrayList<>(words(entry));
            Optional<Integer> cpu = Optional.empty();
            for (String w : List.copyOf(words)) {
                if (w.startsWith("cpu=")) {
                    int id = Numbers.parseU32("cpu", w.substring(4));
                    if (id >= vcpus) {
                        throw GunyahException.of(
                                Errno.EINVAL, "irqfd '%s' aims at vCPU %d, but the VM has %d", entry, id, vcpus);
                    }
                    cpu = Optional.of(id);
                    words.remove(w);
                }
            }
            irqfds.add(new Interrupt(FunctionFields.parse(FunctionType.IRQFD, words), cpu));
        }
        List<Doorbell> doorbells = new ArrayList<>();
        for (String entry : source.ioeventfds()) {
            List<String> words = new ArrayList<>(words(entry));
            Optional<Integer> irq = Optional.empty();
            for (String w : List.copyOf(words)) {
                if (w.startsWith("irq=")) {
                    int label = Numbers.parseU32("irq", w.substring(4));
                    if (irqfds.stream()
                            .noneMatch(f -> f.fields()
                                    .get("label")
                                    .map(l -> parsesTo(l, label))
                                    .orElse(false))) {
                        throw GunyahException.of(
                                Errno.EINVAL, "ioeventfd '%s' answers irq %d, which no irqfd declares", entry, label);
                    }
                    irq = Optional.of(label);
                    words.remove(w);
                }
            }
            doorbells.add(new Doorbell(FunctionFields.parse(FunctionType.IOEVENTFD, words), irq));
        }
        List<Named> functions = new ArrayList<>();
        for (String entry : source.functions()) {
            List<String> words = words(entry);
            String name = words.getFirst();
            if (name.contains("=")) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "functions entry '%s' must start with the function type's name (as gunyah:functions lists it)",
                        entry);
            }
            Named named = new Named(name, words.subList(1, words.size()));
            // Checks the fields now, so that a bad line is refused before anything is made: a
            // built-in's own fields, else the raw argument every other type takes (arg=HEX).
            if (named.builtinType().isEmpty()) {
                for (String w : named.words()) {
                    if (!w.startsWith("arg=")) {
                        throw GunyahException.of(
                                Errno.EINVAL, "function %s takes arg=HEX (its argument's bytes), not '%s'", name, w);
                    }
                }
            }
            named.fields(named.builtinType().orElse(RAW_TYPE));
            functions.add(named);
        }
        return new VmDeclaration(spec, vcpus, irqfds, doorbells, functions);
    }

    /**
     * The raw image or Linux kernel {@code source} declares: EINVAL for both at once, for an
     * initrd or bootargs without a kernel, or for a path that is not one.
     */
    private static Boot boot(Source source, Path home) throws GunyahException {
        if (source.image().isPresent() && source.kernel().isPresent()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "image '%s' and kernel '%s' are exclusive: a VM boots a raw image or a Linux kernel",
                    source.image().get(),
                    source.kernel().get());
        }
        if (source.kernel().isEmpty()) {
            for (String linuxOnly : List.of("initrd", "bootargs")) {
                if ((linuxOnly.equals("initrd") ? source.initrd() : source.bootargs()).isPresent()) {
                    throw GunyahException.of(Errno.EINVAL, "%s is for a Linux VM: it needs kernel", linuxOnly);
                }
            }
            return new Boot.RawImage(
                    source.image().isPresent()
                            ? Optional.of(path("image", source.image().get(), home))
                            : Optional.empty());
        }
        return new Boot.Linux(
                path("kernel", source.kernel().get(), home),
                source.initrd().isPresent()
                        ? Optional.of(path("initrd", source.initrd().get(), home))
                        : Optional.empty(),
                source.bootargs().orElse(""));
    }

    /** {@code text} resolved against {@code home}; EINVAL naming {@code property} when it is not a path. */
    private static Path path(String property, String text, Path home) throws GunyahException {
        try {
            return home.resolve(text).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw GunyahException.of(Errno.EINVAL, "%s '%s' is not a path: %s", property, text, e.getReason());
        }
    }

    private static boolean parsesTo(String text, int label) {
        try {
            return Numbers.parseU32("label", text) == label;
        } catch (GunyahException e) {
            return false;
        }
    }

    private static List<String> words(String entry) {
        return Arrays.stream(entry.strip().split("\\s+"))
                .filter(w -> !w.isEmpty())
                .toList();
    }

    private static Optional<String> string(Map<String, ?> properties, String key) {
        return Optional.ofNullable(properties.get(key)).map(String::valueOf);
    }

    private static List<String> list(Map<String, ?> properties, String key) {
        Object v = properties.get(key);
        List<String> out = new ArrayList<>();
        if (v instanceof String[] a) {
            out.addAll(Arrays.asList(a));
        } else if (v instanceof Iterable<?> it) {
            it.forEach(o -> out.add(String.valueOf(o)));
        } else if (v != null) {
            out.addAll(Arrays.asList(String.valueOf(v).split(",")));
        }
        return out;
    }
}
