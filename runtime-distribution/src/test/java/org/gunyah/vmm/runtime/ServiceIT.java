package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.gunyah.vmm.runtime.BinGunyah.Run;
import org.junit.jupiter.api.Test;

/**
 * The runtime as a service, from a freshly unpacked zip: {@code bin/gunyah start}, {@code client},
 * {@code status}, {@code stop}; {@code run} stopped by SIGTERM with a declared VM running; the SSH
 * console with a configured key (a password and an unknown key refused).
 */
class ServiceIT {
    private static final long TIMEOUT_S = 120;

    private static Run gunyah(Path home, Map<String, String> env, String input, String... args) throws Exception {
        return BinGunyah.run(home, env, input, args);
    }

    private static Map<String, String> env(String... javaOpts) throws IOException {
        return Map.of(
                "GUNYAH_JAVA_OPTS",
                "-Dorg.osgi.service.http.port=" + RuntimeIT.freePort() + " " + String.join(" ", javaOpts));
    }

    /** Stops a runtime a failed test may have left running (its PID file names it). */
    private static void stopIfRunning(Path home) throws Exception {
        Path pid = home.resolve("data/gunyah.pid");
        if (Files.exists(pid)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void startClientStatusAndStopFromAFreshZip() throws Exception {
        Path home = RuntimeIT.unpack();
        Map<String, String> env = env();
        try {
            long t0 = System.nanoTime();
            Run start = gunyah(home, env, "", "start");
            long startMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, start.status(), start.output());
            assertTrue(start.output().matches("(?s)gunyah: started \\(pid \\d+\\)\\s*"), start.output());
            System.out.println("ServiceIT: bin/gunyah start returned ready after " + startMs + " ms");

            Run status = gunyah(home, env, "", "status");
            assertEquals(0, status.status(), status.output());
            assertTrue(status.output().contains("gunyah: running (pid "), status.output());
            // only the runtime's user can reach the socket: a 0700 folder, an rw------- socket
            assertEquals(
                    "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data"))));
            assertEquals(
                    "rw-------",
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("data/gunyah.sock"))));

            Run vms = gunyah(home, env, "", "client", "-c", "gunyah:vms");
            assertEquals(0, vms.status(), vms.output());
            assertTrue(vms.output().contains("no VMs"), vms.output());
            // Gogo's own commands take a bundle by id or symbolic name here too, not only in the interactive console
            Run headers = gunyah(home, env, "", "client", "-c", "headers org.gunyah.vmm.vmm");
            assertEquals(0, headers.status(), headers.output());
            assertTrue(headers.output().contains("Bundle-SymbolicName = org.gunyah.vmm.vmm"), headers.output());

            Run failing = gunyah(home, env, "", "client", "-c", "gunyah:vm-create 9lives; gunyah:vms");
            assertEquals(1, failing.status(), failing.output());
            assertTrue(failing.output().contains("EINVAL: VM name '9lives'"), failing.output());
            assertFalse(failing.output().contains("no VMs"), failing.output());

            Run session = gunyah(home, env, "gunyah:vm-create 9lives\ngunyah:vms\n", "client");
            assertEquals(0, session.status(), session.output());
            assertTrue(session.output().contains("EINVAL: VM name '9lives'"), session.output());
            assertTrue(session.output().contains("no VMs"), "a failure does not end a session:\n" + session.output());

            Run again = gunyah(home, env, "", "start");
            assertEquals(0, again.status(), again.output());
            assertTrue(again.output().contains("already running"), again.output());

            Run stop = gunyah(home, env, "", "stop");
            assertEquals(0, stop.status(), stop.output());
            assertTrue(stop.output().contains("gunyah: stopped (pid "), stop.output());
            assertFalse(Files.exists(home.resolve("data/gunyah.pid")));
            assertFalse(Files.exists(home.resolve("data/gunyah.sock")));

            Run stopped = gunyah(home, env, "", "status");
            assertNotEquals(0, stopped.status(), stopped.output());
            assertTrue(stopped.output().contains("gunyah: not running"), stopped.output());
            Run noRuntime = gunyah(home, env, "", "client", "-c", "gunyah:vms");
            assertNotEquals(0, noRuntime.status(), noRuntime.output());
            assertTrue(noRuntime.output().contains("not running"), noRuntime.output());

            assertTrue(Files.readString(home.resolve("log/gunyah-0.log")).length() >= 0);
            assertTrue(Files.exists(home.resolve("log/gunyah.out")));
        } finally {
            stopIfRunning(home);
        }
    }

    @Test
    void runStopsOnSigtermWithEveryVmDown() throws Exception {
        Path home = RuntimeIT.unpack();
        Path spin = home.resolve("guests/spin.bin");
        Files.write(spin, new byte[] {0, 0, 0, 0x14}); // b .
        Files.writeString(
                home.resolve("conf/org.gunyah.vmm.vm-spin.cfg"),
                "name=spin\nhypervisor=emulated\nmemory=64K\nimage=guests/spin.bin\nvcpus=1\n");
        Files.writeString(
                home.resolve("conf/logging.properties"),
                "\norg.gunyah.vmm.managed.internal.DeclaredVm.level=INFO\n",
                StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString(), "run")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(env());
        Process p = builder.start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                    if (line.contains("VM spin started with 1 vCPUs")) {
                        started.complete(null);
                    }
                }
                started.completeExceptionally(new AssertionError("no start line:\n" + output));
            } catch (IOException e) {
                started.completeExceptionally(e);
            }
        });
        try {
            p.getOutputStream().close(); // run never reads its input: its end must not stop the runtime
            started.get(TIMEOUT_S, TimeUnit.SECONDS);
            assertTrue(p.isAlive(), output.toString());
            assertTrue(Files.exists(home.resolve("data/gunyah.pid")), "run writes the PID file");
            assertEquals(0, gunyah(home, Map.of(), "", "status").status(), "status sees a runtime started with run");

            p.destroy(); // SIGTERM, as systemd's stop

            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the runtime did not stop within 60 s:\n" + output);
            reader.join(Duration.ofSeconds(10));
            assertEquals(143, p.exitValue(), output.toString()); // 128 + SIGTERM: the unit file counts it a success
            assertFalse(output.toString().contains("Exception"), output.toString());
            assertFalse(Files.exists(home.resolve("data/gunyah.pid")), "the PID file is removed");
            assertFalse(Files.exists(home.resolve("data/gunyah.sock")), "the socket is removed");
            // The VM's last console line, in the runtime's log. (Its copy on standard output is written too,
            // strace shows, but a Java parent reading the pipe does not always get the lines written as the
            // child exits; a shell pipe or a file does.)
            String log = Files.readString(home.resolve("log/gunyah-0.log"));
            assertTrue(log.contains("[spin] the guest is down (CLOSED); the VM is torn down"), log + output);
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void sshRunsGunyahCommandsWithTheConfiguredKeyOnlyAndIsOffWithoutOne() throws Exception {
        Path home = RuntimeIT.unpack();
        int port = RuntimeIT.freePort();
        Map<String, String> env = env("-Dgunyah.ssh.port=" + port);
        KeyPair key = ecKey();
        // ssh-keygen's default type: SSHD reads it through the runtime's BouncyCastle
        KeyPair ed25519 = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        try {
            // no key configured: the runtime runs, the SSH console does not listen
            assertEquals(0, gunyah(home, env, "", "start").status());
            assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port)));
            assertEquals(0, gunyah(home, env, "", "stop").status());

            Files.writeString(
                    home.resolve("conf/authorized_keys"),
                    "# the test's keys\n" + PublicKeyEntry.toString(key.getPublic()) + " test@gunyah\n"
                            + PublicKeyEntry.toString(ed25519.getPublic()) + " ed25519@gunyah\n");
            Run start = gunyah(home, env, "", "start");
            assertEquals(0, start.status(), start.output());

            try (SshClient client = SshClient.setUpDefaultClient()) {
                client.start();
                try (ClientSession session = connect(client, port)) {
                    session.addPublicKeyIdentity(key);
                    session.auth().verify(Duration.ofSeconds(30));
                    assertEquals(new Run(0, "no VMs\n"), exec(session, "gunyah:vms"));
                    Run failing = exec(session, "gunyah:vm-create 9lives; gunyah:vms");
                    assertEquals(1, failing.status(), failing.output());
                    assertTrue(failing.output().contains("EINVAL: VM name '9lives'"), failing.output());
                }
                try (ClientSession session = connect(client, port)) {
                    session.addPublicKeyIdentity(ed25519);
                    session.auth().verify(Duration.ofSeconds(30));
                    assertEquals(new Run(0, "no VMs\n"), exec(session, "gunyah:vms"));
                }
                try (ClientSession session = connect(client, port)) {
                    session.addPasswordIdentity("admin");
                    assertThrows(SshException.class, () -> session.auth().verify(Duration.ofSeconds(30)));
                }
                try (ClientSession session = connect(client, port)) {
                    session.addPublicKeyIdentity(ecKey());
                    assertThrows(SshException.class, () -> session.auth().verify(Duration.ofSeconds(30)));
                }
            }
            assertTrue(Files.exists(home.resolve("data/ssh_host_key")), "the host key is kept");
            assertEquals(0, gunyah(home, env, "", "stop").status());
        } finally {
            stopIfRunning(home);
        }
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static ClientSession connect(SshClient client, int port) throws IOException {
        return client.connect("gunyah", "127.0.0.1", port)
                .verify(Duration.ofSeconds(30))
                .getSession();
    }

    /** An exec channel: the command's output (stdout and stderr) and exit status. */
    private static Run exec(ClientSession session, String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ClientChannel channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(out);
            channel.open().verify(Duration.ofSeconds(30));
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(TIMEOUT_S));
            Integer status = channel.getExitStatus();
            return new Run(status == null ? -1 : status, out.toString(StandardCharsets.UTF_8));
        }
    }
}
