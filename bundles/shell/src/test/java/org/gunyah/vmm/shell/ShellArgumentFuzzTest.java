package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.shell.script.Statements;

/**
 * The console's own parsing with any input: the words of a hyphenated command (options, {@code --},
 * positional arguments) and {@code -c} scripts split into statements. Words are parsed or refused
 * with EINVAL naming the usage; scripts always split. (Numbers, sizes and key=value fields are
 * fuzzed where they are parsed, in the vmm bundle.)
 */
class ShellArgumentFuzzTest {
    private static final String[] WORDS = {
        "--",
        "--memory",
        "--hypervisor",
        "--image",
        "--memory=1M",
        "--x",
        "-f",
        "vm1",
        "",
        "=",
        "id=0",
        "--hypervisor=",
        "2M"
    };

    @FuzzTest
    void commandWordsAreParsedOrRefusedWithTheUsage(FuzzedDataProvider data) {
        CommandLine.Usage usage = data.pickValue(VmCommands.USAGES);
        List<String> args = new ArrayList<>();
        int n = data.consumeInt(0, 8);
        for (int i = 0; i < n; i++) {
            args.add(data.consumeBoolean() ? data.pickValue(WORDS) : data.consumeString(12));
        }
        try {
            CommandLine line = CommandLine.parse(usage, args);
            assertTrue(usage.valueOptions().containsAll(line.options().keySet()), line.toString());
            assertTrue(
                    line.positional().size() >= usage.minArgs()
                            && line.positional().size() <= usage.maxArgs(),
                    line.toString());
        } catch (GunyahException e) {
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains(usage.line()), e.getMessage());
        }
    }

    @FuzzTest
    void scriptsAlwaysSplitIntoNonBlankStatements(FuzzedDataProvider data) {
        String script = data.consumeRemainingAsString();

        List<String> statements = Statements.split(script);

        statements.forEach(s -> assertFalse(s.isBlank(), statements.toString()));
        if (script.chars().noneMatch(c -> "\"'{}()[]\\\r".indexOf(c) >= 0)) {
            assertEquals(
                    java.util.Arrays.stream(script.split("[;\n]", -1))
                            .map(String::strip)
                            .filter(s -> !s.isEmpty() && !s.startsWith("#"))
                            .toList(),
                    statements);
        }
    }
}
