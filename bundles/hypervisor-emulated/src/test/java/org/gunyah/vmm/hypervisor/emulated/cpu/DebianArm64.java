package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's arm64 kernel and busybox, fetched once by {@code tools/debian-arm64/fetch.sh} into the
 * cache the tests share ({@code gunyah.debian.cache}, default {@code ~/.cache/gunyah-vmm/debian-arm64});
 * a test that cannot have them is skipped with the script's reason.
 */
final class DebianArm64 {
    private DebianArm64() {}

    static synchronized Path cache() throws IOException, InterruptedException {
        Path cache = Path.of(System.getProperty(
                "gunyah.debian.cache", System.getProperty("user.home") + "/.cache/gunyah-vmm/debian-arm64"));
        if (Files.isRegularFile(cache.resolve("VERSIONS"))) {
            return cache;
        }
        Path script = Path.of(System.getProperty("gunyah.debian.fetch", "../../tools/debian-arm64/fetch.sh"));
        assumeTrue(Files.isExecutable(script), "no " + script + " to fetch Debian's arm64 kernel and busybox");
        Process p = new ProcessBuilder(script.toString(), cache.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        boolean done = p.waitFor(10, TimeUnit.MINUTES) && p.exitValue() == 0;
        assumeTrue(done, "Debian's arm64 kernel and busybox are not available: " + out);
        return cache;
    }
}
