package org.gunyah.vmm.launcher;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code bin/gunyah linux}'s options, checked before the runtime starts, so that a mistyped
 * command line costs no boot and gets one clear line (and exit status 2): the kernel and initrd
 * files must exist, the memory size read as such, the vCPUs be 1 to 64. The run itself is the
 * shell's {@code gunyah:linux} (the VM, the terminal on its PL011, the exit status), given paths
 * made absolute against the directory bin/gunyah was called from.
 */
record LinuxOptions(
        Path kernel,
        Optional<Path> initrd,
        Optional<String> append,
        int vcpus,
        String memory,
        Optional<String> hypervisor,
        Optional<String> watchdog,
        Optional<String> reset,
        Optional<String> devices) {
    static final String DEFAULT_MEMORY = "512M";
    static final int MAX_VCPUS = 64;

    static final String USAGE = """
        usage: gunyah linux --kernel <Image> [--initrd <file>] [--append "<args>"] [--vcpus N]
                            [--memory <size>] [--hypervisor <name>] [--watchdog <time>]
                            [--reset stop|restart] [--devices "<device>, ..."]
          boots an arm64 Linux kernel Image in a VM (vCPUs default 1, memory default 512M, with K, M
          or G) and attaches this terminal to the VM's serial port (a PL011, the kernel's ttyAMA0):
          what you type goes to the guest, Ctrl-C included; what it prints comes out as it does.
          Ctrl-A X   stop the VM and exit        Ctrl-A H   list these keys
          Ctrl-A Ctrl-A   type a Ctrl-A
          --hypervisor defaults to emulated, the backend that runs arm64 guests on any host.
          --watchdog 60s ends the VM as crashed when the guest prints nothing for 60 s (ms, s, m, h).
          --reset restart boots the kernel again when the guest reboots (default: stop, status 1).
          --devices adds devices of device bundles: "virtio-rng, virtio-blk file=disk.img".
          The exit status is the guest's: 0 after poweroff (or Ctrl-A X), n when it exits with n,
          1 when it crashes (the reason on standard error), 2 for a bad command line.\
        """;

    private static final Pattern SIZE = Pattern.compile("[0-9]{1,10}[KMGkmg]?");
    private static final Pattern DURATION = Pattern.compile("[0-9]{1,9}(ms|s|m|h)");
    private static final List<String> OPTIONS = List.of(
            "--kernel",
            "--initrd",
            "--append",
            "--vcpus",
            "--memory",
            "--hypervisor",
            "--watchdog",
            "--reset",
            "--devices");

    /** The run's script, or the usage with what is wrong. */
    static Mode parse(List<String> args, Path cwd) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                return new Mode.Usage(null, USAGE);
            }
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 0 ? arg.substring(0, eq) : arg;
            if (!OPTIONS.contains(name)) {
                return problem("unknown argument " + arg);
            }
            String value;
            if (eq > 0 && arg.startsWith("--")) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return problem(name + " needs a value");
            }
            if (given.putIfAbsent(name, value) != null) {
                return problem(name + " is given twice");
            }
        }
        if (!given.containsKey("--kernel")) {
            return problem("linux needs --kernel <Image>");
        }
        Path kernel = file(cwd, "--kernel", given.get("--kernel"));
        if (kernel == null) {
            return problem("--kernel " + given.get("--kernel") + ": no such file");
        }
        Optional<Path> initrd = Optional.empty();
        if (given.containsKey("--initrd")) {
            Path f = file(cwd, "--initrd", given.get("--initrd"));
            if (f == null) {
                return problem("--initrd " + given.get("--initrd") + ": no such file");
            }
            initrd = Optional.of(f);
        }
        String memory = given.getOrDefault("--memory", DEFAULT_MEMORY);
        if (!SIZE.matcher(memory).matches()) {
            return problem("--memory '" + memory + "' is not a size such as 512M or 1G");
        }
        int vcpus;
        try {
            vcpus = Integer.parseInt(given.getOrDefault("--vcpus", "1"));
        } catch (NumberFormatException e) {
            vcpus = 0;
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            return problem("--vcpus '" + given.get("--vcpus") + "' is not a number of vCPUs from 1 to " + MAX_VCPUS);
        }
        Optional<String> watchdog = Optional.ofNullable(given.get("--watchdog"));
        if (watchdog.isPresent() && !DURATION.matcher(watchdog.get()).matches()) {
            return problem("--watchdog '" + watchdog.get() + "' is not a time such as 500ms, 30s or 2m");
        }
        Optional<String> reset = Optional.ofNullable(given.get("--reset"));
        if (reset.isPresent() && !reset.get().equals("stop") && !reset.get().equals("restart")) {
            return problem("--reset '" + reset.get() + "' is neither stop nor restart");
        }
        return new LinuxOptions(
                        kernel,
                        initrd,
                        Optional.ofNullable(given.get("--append")),
                        vcpus,
                        memory,
                        Optional.ofNullable(given.get("--hypervisor")),
                        watchdog,
                        reset,
                        Optional.ofNullable(given.get("--devices")))
                .script();
    }

    /** The shell's statement that runs it. */
    Mode.Script script() {
        StringBuilder s = new StringBuilder("gunyah:linux --kernel ").append(Mode.quote(kernel.toString()));
        initrd.ifPresent(f -> s.append(" --initrd ").append(Mode.quote(f.toString())));
        append.ifPresent(a -> s.append(" --append ").append(Mode.quote(a)));
        s.append(" --vcpus ").append(vcpus);
        s.append(" --memory ").append(Mode.quote(memory));
        hypervisor.ifPresent(h -> s.append(" --hypervisor ").append(Mode.quote(h)));
        watchdog.ifPresent(w -> s.append(" --watchdog ").append(Mode.quote(w)));
        reset.ifPresent(r -> s.append(" --reset ").append(r));
        devices.ifPresent(d -> s.append(" --devices ").append(Mode.quote(d)));
        return new Mode.Script(s.toString(), false);
    }

    /** The file as an absolute path, or null when it is no readable file. */
    private static Path file(Path cwd, String option, String value) {
        try {
            Path p = cwd.resolve(value).toAbsolutePath().normalize();
            return Files.isRegularFile(p) && Files.isReadable(p) ? p : null;
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private static Mode.Usage problem(String problem) {
        return new Mode.Usage(problem, USAGE);
    }
}
