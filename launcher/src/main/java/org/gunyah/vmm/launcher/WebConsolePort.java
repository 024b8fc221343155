package org.gunyah.vmm.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.Properties;

/**
 * The Web Console's port, checked before the framework starts: Jetty (Felix HTTP) meets a port
 * in use with an ERROR and a stack trace, and serves nothing. Here a taken port is one line
 * naming it and how to change it, and the HTTP service is switched off
 * ({@value #ENABLE}{@code =false}): the runtime goes on without its Web Console.
 */
final class WebConsolePort {
    static final String PORT = "org.osgi.service.http.port";
    static final String HOST = "org.apache.felix.http.host";
    static final String ENABLE = "org.apache.felix.http.enable";

    private WebConsolePort() {}

    /**
     * Switches HTTP off in {@code config}, saying so on {@code out}, when its port cannot be bound
     * now. A setting missing from {@code config} is taken from {@code system}, as the framework
     * gives it to Felix HTTP: {@code -Dorg.apache.felix.http.enable=false} needs no probe of the
     * port (a socket bound and closed, some milliseconds of every start).
     */
    static void check(Map<String, String> config, Properties system, PrintStream out) {
        if ("false".equalsIgnoreCase(setting(config, system, ENABLE, "true"))) {
            return;
        }
        int port;
        try {
            port = Integer.parseInt(setting(config, system, PORT, "8080"));
        } catch (NumberFormatException e) {
            return; // Felix HTTP says what it makes of it
        }
        if (port <= 0 || port > 65_535) {
            return; // 0: any free port; negative: no HTTP
        }
        String host = setting(config, system, HOST, "0.0.0.0");
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is free
            probe.bind(host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port));
        } catch (IOException e) {
            config.put(ENABLE, "false");
            out.println("gunyah: the Web Console's port " + host + ":" + port + " is in use (" + e.getMessage()
                    + "); the runtime goes on without the Web Console. Choose another with " + PORT
                    + " in conf/config.properties, or -D" + PORT + "=<port> in GUNYAH_JAVA_OPTS");
        }
    }

    private static String setting(Map<String, String> config, Properties system, String name, String fallback) {
        String value = config.get(name);
        if (value == null) {
            value = system.getProperty(name, fallback);
        }
        return value.strip();
    }
}
