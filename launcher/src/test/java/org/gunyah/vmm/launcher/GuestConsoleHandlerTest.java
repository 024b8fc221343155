package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class GuestConsoleHandlerTest {
    private static String format(String logger, String message, Object... params) {
        LogRecord record = new LogRecord(Level.INFO, message);
        record.setLoggerName(logger);
        record.setParameters(params.length == 0 ? null : params);
        return new GuestConsoleHandler.LineFormatter().format(record);
    }

    @Test
    void aGuestLineIsPrintedAfterItsVmsNameInBrackets() {
        assertEquals(
                "[demo] Hello from the guest" + System.lineSeparator(),
                format("org.gunyah.vmm.guest.demo", "Hello from the guest"));
    }

    @Test
    void braceGroupsInAGuestLineArePrintedAsWritten() {
        assertEquals("[demo] {0} {x" + System.lineSeparator(), format("org.gunyah.vmm.guest.demo", "{0} {x"));
    }

    @Test
    void aLineOfTheRuntimeForTheConsoleIsPrintedAsItIs() {
        assertEquals(
                "Web Console: http://127.0.0.1:8080/system/console/gunyah (user admin)" + System.lineSeparator(),
                format(
                        "org.gunyah.vmm.console",
                        "Web Console: http://127.0.0.1:8080/system/console/gunyah (user admin)"));
    }

    @Test
    void theEndOfAGuestShowsItsStatus() {
        assertEquals(
                "[web] the guest is down (EXITED(0)); the VM is torn down" + System.lineSeparator(),
                format("org.gunyah.vmm.guest.web", "the guest is down ({0}); the VM is torn down", "EXITED(0)"));
    }

    /** What a handler prints on standard output for {@code record}, with {@code prompt} showing (or not). */
    private static String printed(String prompt, LogRecord record) {
        java.io.PrintStream before = System.out;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            GuestConsoleHandler handler = new GuestConsoleHandler();
            GuestConsoleHandler.prompt(prompt);
            handler.publish(record);
            return out.toString(java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            GuestConsoleHandler.prompt(null);
            System.setOut(before);
        }
    }

    private static LogRecord line(String text) {
        LogRecord record = new LogRecord(Level.INFO, text);
        record.setLoggerName("org.gunyah.vmm.guest.demo");
        return record;
    }

    @Test
    void aGuestLineWhileThePromptShowsStartsANewLineAndThePromptIsPrintedAgainAfterIt() {
        String nl = System.lineSeparator();

        assertEquals(nl + "[demo] Hello" + nl + "g! ", printed("g! ", line("Hello")));
    }

    @Test
    void aGuestLineWhileACommandRunsIsPrintedAsItIs() {
        assertEquals("[demo] Hello" + System.lineSeparator(), printed(null, line("Hello")));
    }
}
