package org.gunyah.vmm.conformance;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The reference tools: Debian's gcc and binutils for AArch64 and qemu-aarch64 (qemu-user). A test
 * that needs one that is missing is skipped, naming the package that brings it.
 */
final class Tools {
    static final String GCC = "aarch64-linux-gnu-gcc";
    static final String OBJCOPY = "aarch64-linux-gnu-objcopy";
    static final String OBJDUMP = "aarch64-linux-gnu-objdump";
    static final String QEMU = "qemu-aarch64";

    private Tools() {}

    /** Skips the calling test unless gcc for AArch64 and qemu-aarch64 are on the PATH. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(onPath(GCC), GCC + " is missing (Debian package gcc-aarch64-linux-gnu)");
        Assumptions.assumeTrue(onPath(QEMU), QEMU + " is missing (Debian package qemu-user)");
    }

    static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** The folder of this module's C sources. */
    static Path sources() {
        return Path.of(System.getProperty("basedir", "."), "src", "test", "c");
    }

    /** A fresh work folder under target/. */
    static Path work(String name) {
        Path dir = Path.of(System.getProperty("basedir", "."), "target", name);
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int status, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    /** Runs a command to its end (at most two minutes), collecting its output. */
    static Result run(List<String> command) {
        try {
            Path err = Files.createTempFile("conformance", ".err");
            try {
                Process p = new ProcessBuilder(command)
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("timed out: " + String.join(" ", command));
                }
                return new Result(p.exitValue(), out, Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a build step; a failure is an error of the test naming the command and its messages. */
    static void build(String... command) {
        Result r = run(List.of(command));
        if (r.status() != 0) {
            throw new AssertionError("failed (" + r.status() + "): " + String.join(" ", command) + "\n" + r.stderr());
        }
    }

    static List<String> list(String... items) {
        return new ArrayList<>(List.of(items));
    }
}
