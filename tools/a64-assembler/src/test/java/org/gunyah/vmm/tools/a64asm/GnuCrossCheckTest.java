package org.gunyah.vmm.tools.a64asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our encodings against GNU binutils: the corpus and every AArch64 guest in the repository,
 * assembled by both, must give the same bytes. Skipped, with the reason, on a machine without
 * aarch64-linux-gnu-as (.ci/run installs it).
 */
class GnuCrossCheckTest {
    /** Where the repository's AArch64 guests live, from its root (x86 guests beside them are skipped). */
    static final List<String> GUEST_FOLDERS = List.of(
            "bundles/hypervisor-emulated/src/test/resources/guests",
            "e2e/src/test/resources/guests",
            "bundles/vmm/src/test/resources/guests",
            "itests/src/test/guests",
            "runtime-distribution/src/runtime/guests",
            "benchmarks/soak/src/main/guests");

    @TempDir
    Path dir;

    static Stream<String> sources() throws IOException {
        Path root = Path.of(System.getProperty("gunyah.a64.guests", "../.."));
        List<String> found = new ArrayList<>(List.of("corpus.S"));
        for (String folder : GUEST_FOLDERS) {
            try (Stream<Path> files = Files.list(root.resolve(folder))) {
                files.map(Path::toString)
                        .filter(f -> f.endsWith(".S") && !f.contains("x86"))
                        .sorted()
                        .forEach(found::add);
            }
        }
        return found.stream();
    }

    @ParameterizedTest
    @MethodSource("sources")
    void assemblesToTheSameBytesAsGnuAs(String resource) throws Exception {
        assumeTrue(
                onPath("aarch64-linux-gnu-as") && onPath("aarch64-linux-gnu-objcopy"),
                "aarch64-linux-gnu-as/objcopy not installed: run .ci/run as root or install"
                        + " binutils-aarch64-linux-gnu");
        String source = resource.equals("corpus.S")
                ? new String(getClass().getResourceAsStream("/corpus.S").readAllBytes())
                : Files.readString(Path.of(resource));
        Path src = dir.resolve("in.S");
        Files.writeString(src, source);
        run(
                "aarch64-linux-gnu-as",
                "-march=armv8.1-a",
                "-o",
                dir.resolve("in.o").toString(),
                src.toString());
        run(
                "aarch64-linux-gnu-objcopy",
                "-O",
                "binary",
                dir.resolve("in.o").toString(),
                dir.resolve("gnu.bin").toString());
        byte[] gnu = Files.readAllBytes(dir.resolve("gnu.bin"));
        byte[] ours = A64Assembler.assemble(source, 0).image();
        for (int i = 0; i < Math.min(gnu.length, ours.length); i += 4) {
            int end = Math.min(i + 4, Math.min(gnu.length, ours.length));
            String g = HexFormat.of().formatHex(gnu, i, end);
            String o = HexFormat.of().formatHex(ours, i, end);
            assertEquals(g, o, String.format("%s: word at offset 0x%x differs", resource, i));
        }
        assertEquals(gnu.length, ours.length, resource + ": image length");
    }

    private static boolean onPath(String tool) {
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(p, tool))) {
                return true;
            }
        }
        return false;
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed:\n" + output);
        }
    }
}
