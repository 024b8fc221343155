package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class WebConsolePortTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> config(int port) {
        return new HashMap<>(Map.of(WebConsolePort.PORT, Integer.toString(port), WebConsolePort.HOST, "127.0.0.1"));
    }

    @Test
    void aTakenPortSwitchesHttpOffWithOneLineNamingItAndHowToChangeIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> config = config(taken.getLocalPort());

            WebConsolePort.check(config, new Properties(), new PrintStream(out, true, StandardCharsets.UTF_8));

            assertEquals("false", config.get(WebConsolePort.ENABLE));
            assertEquals(1, printed().lines().count(), printed());
            assertTrue(printed().contains("127.0.0.1:" + taken.getLocalPort()), printed());
            assertTrue(printed().contains(WebConsolePort.PORT), printed());
        }
    }

    @Test
    void aFreePortChangesNothingAndSaysNothing() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Map<String, String> config = config(port);

        WebConsolePort.check(config, new Properties(), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertFalse(config.containsKey(WebConsolePort.ENABLE));
        assertEquals("", printed());
    }

    @Test
    void httpSwitchedOffByASystemPropertyLeavesATakenPortUnprobedAndSaysNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> config = config(taken.getLocalPort());
            Properties system = new Properties();
            system.setProperty(WebConsolePort.ENABLE, "false");

            WebConsolePort.check(config, system, new PrintStream(out, true, StandardCharsets.UTF_8));

            assertFalse(config.containsKey(WebConsolePort.ENABLE));
            assertEquals("", printed());
        }
    }

    @Test
    void aPortGivenAsASystemPropertyIsTheOneProbed() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> config = new HashMap<>(Map.of(WebConsolePort.HOST, "127.0.0.1"));
            Properties system = new Properties();
            system.setProperty(WebConsolePort.PORT, Integer.toString(taken.getLocalPort()));

            WebConsolePort.check(config, system, new PrintStream(out, true, StandardCharsets.UTF_8));

            assertEquals("false", config.get(WebConsolePort.ENABLE));
            assertTrue(printed().contains("127.0.0.1:" + taken.getLocalPort()), printed());
        }
    }
}
