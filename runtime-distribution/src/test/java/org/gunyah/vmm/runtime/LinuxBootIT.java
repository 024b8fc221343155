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
import org.gunyah.vmm.testing.DebianArm64;
import org.gunyah.vmm.testing.Initramfs;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/gunyah linux as a user runs it: Debian's arm64 kernel Image and an initramfs written here
 * (busybox, and an /init that mounts /proc and starts a shell on the console), a command typed into
 * the PL011 answering, and {@code poweroff -f} ending the run with status 0. The kernel and busybox
 * come from the shared cache ({@link DebianArm64}, filled by tools/debian-arm64/fetch.sh); without
 * them the test is skipped, saying why. Input typed before the guest's tty is open would be
 * drained by the driver, as on a real UART, so each command waits for the shell's prompt.
 */
class LinuxBootIT {
    private static final long BOOT_TIMEOUT_S = 300;
    private static final long COMMAND_TIMEOUT_S = 60;
    private static Path home;

    @BeforeAll
    static void unpack() throws IOException {
        home = RuntimeIT.unpack();
    }

    /** busybox as /bin/busybox and an /init that mounts /proc and runs a shell on the console. */
    private static Path initramfs(Path dir) throws IOException, InterruptedException {
        String init = String.join(
                "\n",
                "#!/bin/busybox sh",
                "/bin/busybox mount -t proc proc /proc",
                "export PS1='# '",
                "exec /bin/busybox sh",
                "");
        byte[] image = new Initramfs()
                .directory("bin", 0755)
                .file("bin/busybox", 0755, DebianArm64.busybox())
                .symlink("bin/sh", "busybox")
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("proc", 0555)
                .file("init", 0755, init.getBytes(StandardCharsets.US_ASCII))
                .gzip();
        return Files.write(dir.resolve("initrd.gz"), image);
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
    void bootsToAShellThatAnswersThroughThePl011AndPowersOffWithStatusZero(int vcpus, @TempDir Path dir)
            throws Exception {
        Path kernel = DebianArm64.kernel();
        Path initrd = initramfs(dir);
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
