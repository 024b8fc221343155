package org.gunyah.vmm.remoteconsole;

import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * Where the remote consoles live and listen, from framework properties ({@code conf/config.properties},
 * or {@code -D} through {@code GUNYAH_JAVA_OPTS}); paths are relative to {@value #HOME}.
 *
 * @param socket the console socket, {@value #SOCKET} (default {@code data/gunyah.sock})
 * @param sshHost the SSH console's address, {@value #SSH_HOST} (default 127.0.0.1)
 * @param sshPort its port, {@value #SSH_PORT} (default 8101, Karaf's; {@link #INVALID_PORT} when not a port)
 * @param authorizedKeys the public keys it accepts, {@value #SSH_KEYS} (default {@code
 *     conf/authorized_keys})
 * @param hostKey its host key, made on first use, {@value #SSH_HOST_KEY} (default {@code
 *     data/ssh_host_key})
 */
record Settings(Path socket, String sshHost, int sshPort, Path authorizedKeys, Path hostKey) {
    static final String HOME = "gunyah.home";
    static final String ENABLED = "gunyah.remote.consoles";
    static final String SOCKET = "gunyah.console.socket";
    static final String SSH_HOST = "gunyah.ssh.host";
    static final String SSH_PORT = "gunyah.ssh.port";
    static final String SSH_KEYS = "gunyah.ssh.authorized.keys";
    static final String SSH_HOST_KEY = "gunyah.ssh.host.key";
    static final int DEFAULT_SSH_PORT = 8101;
    /** {@link #sshPort} when {@value #SSH_PORT} is not a port: the SSH console stays off. */
    static final int INVALID_PORT = -1;

    /**
     * The settings, or null outside a runtime folder (no {@value #HOME}) or when {@value #ENABLED} is
     * {@code false} (the launcher's one-shot runs, {@code -c} and {@code demo}): then no remote console.
     */
    static Settings of(UnaryOperator<String> properties) {
        String home = properties.apply(HOME);
        if (home == null || home.isBlank() || "false".equalsIgnoreCase(value(properties.apply(ENABLED), "true"))) {
            return null;
        }
        Path root = Path.of(home).toAbsolutePath().normalize();
        return new Settings(
                path(root, properties.apply(SOCKET), "data/gunyah.sock"),
                value(properties.apply(SSH_HOST), "127.0.0.1"),
                port(properties.apply(SSH_PORT)),
                path(root, properties.apply(SSH_KEYS), "conf/authorized_keys"),
                path(root, properties.apply(SSH_HOST_KEY), "data/ssh_host_key"));
    }

    private static Path path(Path root, String value, String fallback) {
        return root.resolve(value(value, fallback)).normalize();
    }

    private static String value(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value.strip();
    }

    private static int port(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_SSH_PORT;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // below
        }
        return INVALID_PORT;
    }
}
