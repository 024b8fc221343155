package org.gunyah.vmm.tools.format;

import com.palantir.javaformat.java.Formatter;
import com.palantir.javaformat.java.FormatterException;
import com.palantir.javaformat.java.JavaFormatterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The build's formatter check: every Java source under the repository's {@code src} folders must
 * be as palantir-java-format writes it in its own style (4-space indent, 120 columns), with its
 * import ordering and unused-import removal. {@code FormatCheck <root> check} lists the files that
 * differ and fails; {@code apply} rewrites them. It runs on the build's JDK 25 toolchain, since the
 * formatter parses with the running JDK's javac and our sources use Java 25.
 */
public final class FormatCheck {
    private FormatCheck() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 2 || !(args[1].equals("check") || args[1].equals("apply"))) {
            System.err.println("usage: FormatCheck <repository root> check|apply");
            System.exit(2);
        }
        Path root = Path.of(args[0]).toAbsolutePath().normalize();
        boolean apply = args[1].equals("apply");
        // Formatter.create() is Google's 2-space, 100-column style; ours is palantir's own.
        Formatter formatter = Formatter.createFormatter(JavaFormatterOptions.builder()
                .style(JavaFormatterOptions.Style.PALANTIR)
                .build());
        List<Path> differ = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Path file : sources(root)) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            try {
                String formatted = formatter.formatSourceAndFixImports(text);
                if (!formatted.equals(text)) {
                    differ.add(root.relativize(file));
                    if (apply) {
                        Files.writeString(file, formatted, StandardCharsets.UTF_8);
                    }
                }
            } catch (FormatterException e) {
                failures.add(root.relativize(file) + ": " + e.getMessage());
            }
        }
        failures.forEach(f -> System.err.println("format: cannot parse " + f));
        if (apply) {
            System.out.printf("format: %d files rewritten%n", differ.size());
        } else if (!differ.isEmpty()) {
            differ.forEach(f -> System.err.println("format: not formatted: " + f));
            System.err.printf(
                    "format: %d files differ from palantir-java-format; run: mvn -q -pl tools/format-check"
                            + " process-classes -Dformat=apply%n",
                    differ.size());
        }
        System.exit(!failures.isEmpty() || (!apply && !differ.isEmpty()) ? 1 : 0);
    }

    /**
     * Every .java file under a src folder of the repository, build output, dot folders and
     * archetype templates (Velocity, not Java until generated) excluded.
     */
    private static List<Path> sources(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> isSource(root.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isSource(Path relative) {
        boolean underSrc = false;
        for (Path part : relative) {
            String name = part.toString();
            if (name.equals("target") || name.startsWith(".") || name.equals("archetype-resources")) {
                return false;
            }
            underSrc |= name.equals("src");
        }
        return underSrc;
    }
}
