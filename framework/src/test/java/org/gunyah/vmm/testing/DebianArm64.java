package org.gunyah.vmm.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's arm64 kernel and static busybox, fetched once by {@code tools/debian-arm64/fetch.sh}
 * into the cache the tests share (system property {@code gunyah.debian.cache}, default
 * {@code ~/.cache/gunyah-vmm/debian-arm64}). A test that cannot have them is skipped (a JUnit 5
 * assumption) with the script's reason. The script is found by {@code gunyah.debian.fetch} or by
 * looking up from the working directory for {@code tools/debian-arm64/fetch.sh}, so any module's
 * tests can use it.
 */
public final class DebianArm64 {
    private DebianArm64() {}

    /** The unpacked cache: {@code kernel/Image}, {@code busybox/busybox}, {@code VERSIONS}. */
    public static synchronized Path cache() throws IOException, InterruptedException {
        Path cache = Path.of(System.getProperty(
                "gunyah.debian.cache", System.getProperty("user.home") + "/.cache/gunyah-vmm/debian-arm64"));
        if (Files.isRegularFile(cache.resolve("VERSIONS"))) {
            return cache;
        }
        Path script = fetchScript();
        assumeTrue(
                script != null && Files.isExecutable(script),
                "no tools/debian-arm64/fetch.sh to fetch Debian's arm64 kernel and busybox");
        Process p = new ProcessBuilder(script.toString(), cache.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0;
        assumeTrue(done, "Debian's arm64 kernel and busybox are not available: " + out);
        return cache;
    }

    /** Debian's uncompressed arm64 kernel {@code Image}. */
    public static Path kernel() throws IOException, InterruptedException {
        return cache().resolve("kernel/Image");
    }

    /** Debian's static busybox for arm64. */
    public static Path busybox() throws IOException, InterruptedException {
        return cache().resolve("busybox/busybox");
    }

    /**
     * A module of the kernel's package, by its path under {@code kernel/} of its modules folder
     * ({@code drivers/virtio/virtio_mmio.ko}): for an initramfs that loads it with insmod.
     */
    public static Path module(String path) throws IOException, InterruptedException {
        Path modules = cache().resolve("kernel/modules");
        try (var versions = Files.list(modules)) {
            Path version = versions.findFirst().orElseThrow(() -> new IOException("no modules in " + modules));
            Path module = version.resolve("kernel").resolve(path);
            if (!Files.isRegularFile(module)) {
                throw new IOException("no module " + path + " in " + version);
            }
            return module;
        }
    }

    private static Path fetchScript() {
        String given = System.getProperty("gunyah.debian.fetch");
        if (given != null) {
            return Path.of(given);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("tools/debian-arm64/fetch.sh");
            if (Files.isRegularFile(script)) {
                return script;
            }
        }
        return null;
    }
}
