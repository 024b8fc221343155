package org.gunyah.vmm.launcher;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/** What {@code bin/gunyah} was asked to do. */
sealed interface Mode {
    /** The Gogo console on this terminal; {@code exit} or end of input stops the runtime. */
    record Interactive() implements Mode {}

    /**
     * Runs Gogo statements, prints their results, exits non-zero at the first failure. With {@code
     * webConsole} false the Web Console's bundles are not started: a one-shot VM run (linux, demo)
     * has no use for a console that ends with it, and skips Jetty's start.
     */
    record Script(String statements, boolean webConsole) implements Mode {
        Script(String statements) {
            this(statements, true);
        }
    }

    /**
     * The runtime without a console, until it is stopped ({@code gunyah:shutdown}, SIGTERM, SIGINT):
     * for {@code bin/gunyah run} (systemd, containers) and {@code bin/gunyah start}. It never reads
     * its input.
     */
    record Run() implements Mode {}

    /**
     * A Gogo session in the running runtime through its console socket: the script's statements
     * (exit status as for {@link Script}), or, when null, the lines of standard input.
     */
    record Client(String statements) implements Mode {}

    /** Prints how to call it ({@code usage}); with a {@code problem}, on standard error, and exits 2. */
    record Usage(String problem, String usage) implements Mode {
        Usage(String problem) {
            this(problem, USAGE);
        }
    }

    String USAGE = """
        usage: gunyah                          the Gogo console (type gunyah:gunyah for the commands)
               gunyah -c "<commands>"          run Gogo commands (';' or newline between them) and exit;
                                               the exit status is non-zero when one fails
               gunyah demo [--hypervisor <name>]  run the demo VM
               gunyah linux --kernel <Image> [--initrd <file>] [--append "<args>"] [--vcpus N]
                            [--memory <size>]  boot Linux with this terminal on its serial port
                                               (Ctrl-A X stops it; gunyah linux --help says more)
               gunyah start | stop | status       the runtime in the background (PID file data/gunyah.pid,
                                               logs in log/); status exits 0 while it runs
               gunyah run                      the runtime in the foreground without a console (systemd,
                                               containers); SIGTERM stops it and every VM
               gunyah client [-c "<commands>"]  a console in the running runtime (its socket
                                               data/gunyah.sock); with -c, exit status as above\
        """;

    static Mode parse(String... args) {
        List<String> a = Arrays.asList(args);
        if (a.isEmpty()) {
            return new Interactive();
        }
        return switch (a.getFirst()) {
            case "-c", "--command" ->
                a.size() == 2 ? new Script(a.get(1)) : new Usage("-c takes exactly one argument (quote the commands)");
            case "demo" -> demo(a.subList(1, a.size()));
            case "linux" -> LinuxOptions.parse(a.subList(1, a.size()), Path.of(""));
            case "run" -> a.size() == 1 ? new Run() : new Usage("run takes no arguments");
            case "client" -> client(a.subList(1, a.size()));
            case "-h", "--help", "help" -> new Usage(null);
            default -> new Usage("unknown argument: " + a.getFirst());
        };
    }

    private static Mode client(List<String> args) {
        if (args.isEmpty()) {
            return new Client(null);
        }
        if ((args.getFirst().equals("-c") || args.getFirst().equals("--command")) && args.size() == 2) {
            return new Client(args.get(1));
        }
        return new Usage("client takes nothing, or -c \"<commands>\" (quote the commands)");
    }

    private static Mode demo(List<String> args) {
        StringBuilder command = new StringBuilder("gunyah:demo");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if ((arg.equals("--hypervisor") || arg.equals("--config")) && i + 1 < args.size()) {
                command.append(' ').append(arg).append(' ').append(quote(args.get(++i)));
            } else {
                return new Usage("demo takes --hypervisor <name> (and --config <file>), not " + arg);
            }
        }
        return new Script(command.toString(), false);
    }

    /** Gogo-quotes a value typed on the command line, so that it stays one word. */
    static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
