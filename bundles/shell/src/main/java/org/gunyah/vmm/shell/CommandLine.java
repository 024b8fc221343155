package org.gunyah.vmm.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The arguments of one command after its options were taken out: {@code --name value},
 * {@code --name=value} and {@code --} (everything after it is positional). Options not in the
 * command's usage, a missing value, too few or too many positional arguments are EINVAL with the
 * usage line.
 */
record CommandLine(Map<String, String> options, List<String> positional) {

    /** One command's syntax: its name, the options that take a value, positional bounds, help. */
    record Usage(
            String name, String synopsis, String description, List<String> valueOptions, int minArgs, int maxArgs) {
        String line() {
            return "gunyah:" + name + " " + synopsis;
        }
    }

    CommandLine {
        options = Map.copyOf(options);
        positional = List.copyOf(positional);
    }

    static CommandLine parse(Usage usage, List<String> args) throws GunyahException {
        Map<String, String> options = new HashMap<>();
        List<String> positional = new ArrayList<>();
        boolean onlyPositional = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (onlyPositional || !a.startsWith("--")) {
                positional.add(a);
                continue;
            }
            if (a.equals("--")) {
                onlyPositional = true;
                continue;
            }
            int eq = a.indexOf('=');
            String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
            if (!usage.valueOptions().contains(name)) {
                throw GunyahException.of(Errno.EINVAL, "unknown option --%s; usage: %s", name, usage.line());
            }
            String value;
            if (eq >= 0) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                throw GunyahException.of(Errno.EINVAL, "--%s needs a value; usage: %s", name, usage.line());
            }
            if (options.putIfAbsent(name, value) != null) {
                throw GunyahException.of(Errno.EINVAL, "--%s is given twice; usage: %s", name, usage.line());
            }
        }
        if (positional.size() < usage.minArgs() || positional.size() > usage.maxArgs()) {
            throw GunyahException.of(Errno.EINVAL, "usage: %s", usage.line());
        }
        return new CommandLine(options, positional);
    }

    Optional<String> option(String name) {
        return Optional.ofNullable(options.get(name));
    }
}
