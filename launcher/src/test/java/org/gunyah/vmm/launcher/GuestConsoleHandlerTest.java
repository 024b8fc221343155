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
    void theEndOfAGuestShowsItsStatus() {
        assertEquals(
                "[web] the guest is down (EXITED(0)); the VM is torn down" + System.lineSeparator(),
                format("org.gunyah.vmm.guest.web", "the guest is down ({0}); the VM is torn down", "EXITED(0)"));
    }
}
