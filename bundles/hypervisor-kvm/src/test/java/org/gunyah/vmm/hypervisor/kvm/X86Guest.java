package org.gunyah.vmm.hypervisor.kvm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds a 32-bit x86 test guest from its source with GNU as and ld (binutils, which come with
 * gcc), linked to run at {@link #BASE} as a flat binary: the x86 counterpart of the emulated
 * backend's A64 assembler in the tests.
 */
public final class X86Guest {
    public static final long BASE = 0x4000_0000L;

    private X86Guest() {}

    /** The flat image of {@code /guests/<name>} on the class path. */
    public static byte[] build(String name) {
        try (InputStream in = X86Guest.class.getResourceAsStream("/guests/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no guest source /guests/" + name);
            }
            return build(name, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] build(String name, byte[] source) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("x86-guest");
            Path src = Files.write(dir.resolve(name), source);
            Path obj = dir.resolve("guest.o");
            Path bin = dir.resolve("guest.bin");
            run(dir, List.of("as", "--32", "-o", obj.toString(), src.toString()));
            run(
                    dir,
                    List.of(
                            "ld",
                            "-m",
                            "elf_i386",
                            "-Ttext=0x" + Long.toHexString(BASE),
                            "--oformat",
                            "binary",
                            "-o",
                            bin.toString(),
                            obj.toString()));
            return Files.readAllBytes(bin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (dir != null) {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.delete(p);
                    }
                    Files.delete(dir);
                } catch (IOException e) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }

    private static void run(Path dir, List<String> command) throws IOException {
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(
                        String.join(" ", command) + " failed (GNU binutils for x86 are needed):\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
