package org.gunyah.vmm.launcher;

import java.util.Arrays;
import java.util.List;

/** What {@code bin/gunyah} was asked to do. */
sealed interface Mode {
    /** The Gogo console on this terminal; {@code exit} or end of input stops the runtime. */
    record Interactive() implements Mode {}

    /** Runs Gogo statements, prints their results, exits non-zero at the first failure. */
    record Script(String statements) implements Mode {}

    /** Prints how to call it. */
    record Usage(String problem) implements Mode {}

    String USAGE = """
        usage: gunyah                          the Gogo console (type gunyah:gunyah for the commands)
               gunyah -c "<commands>"          run Gogo commands (';' or newline between them) and exit;
                                               the exit status is non-zero when one fails
               gunyah demo [--hypervisor <name>]  run the demo VM\
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
            case "-h", "--help", "help" -> new Usage(null);
            default -> new Usage("unknown argument: " + a.getFirst());
        };
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
        return new Script(command.toString());
    }

    /** Gogo-quotes a value typed on the command line, so that it stays one word. */
    private static String quote(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
