package org.gunyah.vmm.remoteconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConsoleTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    private Settings settings() {
        return new Settings(
                home.resolve("data/gunyah.sock"),
                "127.0.0.1",
                0, // any free port
                home.resolve("conf/authorized_keys"),
                home.resolve("data/ssh_host_key"));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    @Test
    void withoutAKeyItDoesNotListen() throws IOException {
        try (Gogo gogo = new Gogo()) {
            assertNull(SshConsole.start(gogo.processor, settings()), "no keys file");
            Files.createDirectories(home.resolve("conf"));
            Files.writeString(home.resolve("conf/authorized_keys"), "# nobody yet\n\n");
            assertNull(SshConsole.start(gogo.processor, settings()), "a keys file without a key");
        }
    }

    @Test
    void theConfiguredKeyRunsCommandsAndNothingElseGetsIn() throws Exception {
        KeyPair key = ecKey();
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(
                home.resolve("conf/authorized_keys"), PublicKeyEntry.toString(key.getPublic()) + " me@here\n");
        try (Gogo gogo = new Gogo()) {
            SshServer server = SshConsole.start(gogo.processor, settings());
            assertNotNull(server);
            try (SshClient client = SshClient.setUpDefaultClient()) {
                client.start();
                try (ClientSession session = connect(client, server.getPort())) {
                    session.addPublicKeyIdentity(key);
                    session.auth().verify(TIMEOUT);
                    assertEquals("0 no VMs\n", exec(session, "gunyah:vms"));
                    assertEquals("1 EINVAL: this fails\n", exec(session, "gunyah:fail; gunyah:vms"));
                }
                try (ClientSession session = connect(client, server.getPort())) {
                    session.addPasswordIdentity("admin");
                    assertThrows(SshException.class, () -> session.auth().verify(TIMEOUT));
                }
                try (ClientSession session = connect(client, server.getPort())) {
                    session.addPublicKeyIdentity(ecKey());
                    assertThrows(SshException.class, () -> session.auth().verify(TIMEOUT));
                }
            } finally {
                server.stop(true);
            }
            assertTrue(Files.size(home.resolve("data/ssh_host_key")) > 0, "the host key is kept");
        }
    }

    @Test
    void anEd25519KeyWorks() throws Exception {
        KeyPair key = KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256);
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/authorized_keys"), PublicKeyEntry.toString(key.getPublic()) + "\n");
        try (Gogo gogo = new Gogo()) {
            SshServer server = SshConsole.start(gogo.processor, settings());
            assertNotNull(server);
            try (SshClient client = SshClient.setUpDefaultClient()) {
                client.start();
                try (ClientSession session = connect(client, server.getPort())) {
                    session.addPublicKeyIdentity(key);
                    session.auth().verify(TIMEOUT);
                    assertEquals("0 no VMs\n", exec(session, "gunyah:vms"));
                }
            } finally {
                server.stop(true);
            }
        }
    }

    private static ClientSession connect(SshClient client, int port) throws IOException {
        return client.connect("gunyah", "127.0.0.1", port).verify(TIMEOUT).getSession();
    }

    /** The exit status, a space, and what the command printed (output and errors). */
    private static String exec(ClientSession session, String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ClientChannel channel = session.createExecChannel(command)) {
            channel.setOut(out);
            channel.setErr(out);
            channel.open().verify(TIMEOUT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            return channel.getExitStatus() + " " + out.toString(StandardCharsets.UTF_8);
        }
    }
}
