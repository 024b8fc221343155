package org.gunyah.vmm.remoteconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void everythingLivesInTheRuntimeFolderAndSshOnLoopback() {
        Settings s = Settings.of(Map.of("gunyah.home", "/opt/gunyah")::get);
        assertEquals(
                new Settings(
                        Path.of("/opt/gunyah/data/gunyah.sock"),
                        "127.0.0.1",
                        8101,
                        Path.of("/opt/gunyah/conf/authorized_keys"),
                        Path.of("/opt/gunyah/data/ssh_host_key")),
                s);
    }

    @Test
    void propertiesChooseOtherwiseAndRelativePathsAreTheFolders() {
        Settings s = Settings.of(Map.of(
                "gunyah.home", "/opt/gunyah",
                "gunyah.console.socket", "/run/gunyah/console.sock",
                "gunyah.ssh.host", "0.0.0.0",
                "gunyah.ssh.port", " 2222 ",
                "gunyah.ssh.authorized.keys", "etc/keys")::get);
        assertEquals(Path.of("/run/gunyah/console.sock"), s.socket());
        assertEquals("0.0.0.0", s.sshHost());
        assertEquals(2222, s.sshPort());
        assertEquals(Path.of("/opt/gunyah/etc/keys"), s.authorizedKeys());
    }

    @Test
    void withoutARuntimeFolderThereIsNoRemoteConsole() {
        assertNull(Settings.of(Map.<String, String>of()::get));
        assertNull(Settings.of(Map.of("gunyah.home", "/g", "gunyah.remote.consoles", "false")::get));
    }

    @Test
    void aPortThatIsNoneIsMarkedInvalid() {
        for (String port : new String[] {"ssh", "-1", "65536"}) {
            assertEquals(
                    Settings.INVALID_PORT,
                    Settings.of(Map.of("gunyah.home", "/g", "gunyah.ssh.port", port)::get)
                            .sshPort(),
                    port);
        }
    }
}
