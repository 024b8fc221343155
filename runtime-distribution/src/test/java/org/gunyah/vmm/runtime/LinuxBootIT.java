package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/gunyah linux as a user runs it: an arm64 kernel Image and an initramfs whose /init starts a
 * shell on the console, a command typed into the PL011 answering, and {@code poweroff -f} ending
 * the run with status 0. It needs the finished platform and the files, so it is tagged
 * {@code linux-boot}, which the module's build leaves out unless asked:
 *
 * <pre>
 * mvn -o -pl runtime-distribution -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *     -DexcludedGroups= -Dit.test=LinuxBootIT -Dfailsafe.failIfNoSpecifiedTests=false \
 *     -Dgunyah.linux.kernel=/path/to/Image -Dgunyah.linux.initrd=/path/to/initrd.gz
 * </pre>
 *
 * (or the environment's GUNYAH_LINUX_KERNEL and GUNYAH_LINUX_INITRD); without them it is skipped,
 * saying so. Input typed before the guest's tty is open would be drained by the driver, as on a
 * real UART, so each command waits for the shell's prompt.
 */
@Tag("linux-boot")
class LinuxBootIT {
    private static final long BOOT_TIMEOUT_S = 300;
    private static final long COMMAND_TIMEOUT_S = 60;
    private static Path home;

    @BeforeAll
    static void unpack() throws IOException {
        home = RuntimeIT.unpack();
    }

    private static Path file(String property, String variable) {
        String value = System.getProperty(property, System.getenv(variable));
        Assumptions.assumeTrue(
                value != null && !value.isBlank() && Files.isRegularFile(Path.of(value)),
                "no " + property + " (or " + variable + "): a Linux kernel Image and an initramfs are needed");
        return Path.of(value);
    }

    /** The output so far, and a wait for a text to appear in it after a given point. */
    private static final class Output {
        private final StringBuilder text = new StringBuilder();

        synchronized void add(String s) {
            text.append(s);
            notifyAll();
        }

        synchronized int length() {
            return text.length();
        }

        synchronized boolean awaitAfter(int from, String expected, long timeoutS) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
            while (text.indexOf(expected, from) < 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        @Override
        public synchronized String toString() {
            return text.toString();
        }
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {1, 4})
    void bootsToAShellThatAnswersThroughThePl011AndPowersOffWithStatusZero(int vcpus) throws Exception {
        Path kernel = file("gunyah.linux.kernel", "GUNYAH_LINUX_KERNEL");
        Path initrd = file("gunyah.linux.initrd", "GUNYAH_LINUX_INITRD");
        ProcessBuilder builder = new ProcessBuilder(
                        home.resolve("bin/gunyah").toString(),
                        "linux",
                        "--kernel",
                        kernel.toString(),
                        "--initrd",
                        initrd.toString(),
                        "--append",
                        "console=ttyAMA0 panic=-1",
                        "--vcpus",
                        String.valueOf(vcpus),
                        "--memory",
                        "512M")
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + RuntimeIT.freePort());
        Process p = builder.start();
        Output output = new Output();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            byte[] buffer = new byte[4096];
            try (InputStream in = p.getInputStream()) {
                for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                    output.add(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        try (OutputStream keys = p.getOutputStream()) {
            assertTrue(output.awaitAfter(0, "# ", BOOT_TIMEOUT_S), "no shell prompt:\n" + output);

            int mark = output.length();
            keys.write("grep -c ^processor /proc/cpuinfo; echo answer-$((6*7))\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            assertTrue(output.awaitAfter(mark, "answer-42", COMMAND_TIMEOUT_S), "no answer:\n" + output);
            assertTrue(output.toString().substring(mark).contains("\n" + vcpus + "\r"), "processors:\n" + output);

            keys.write("poweroff -f\n".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            assertTrue(p.waitFor(COMMAND_TIMEOUT_S, TimeUnit.SECONDS), "still running:\n" + output);
        } finally {
            p.destroyForcibly();
        }
        reading.get(10, TimeUnit.SECONDS);
        assertEquals(0, p.exitValue(), output.toString());
    }
}
