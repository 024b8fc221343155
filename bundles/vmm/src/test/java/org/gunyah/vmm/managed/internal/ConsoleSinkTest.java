package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {
    private final Logger logger = Logger.getLogger("org.gunyah.vmm.guest.demo");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler recorder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        logger.addHandler(recorder);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(recorder);
    }

    @Test
    void eachConsoleLineIsLoggedAtInfoToTheVmsGuestLogger() {
        ConsoleSink.logger("demo").line("Hello {0} from the guest");

        assertEquals(1, records.size());
        assertEquals(Level.INFO, records.getFirst().getLevel());
        assertEquals("org.gunyah.vmm.guest.demo", records.getFirst().getLoggerName());
        assertEquals("Hello {0} from the guest", new SimpleFormatter().formatMessage(records.getFirst()));
    }

    @Test
    void theEndIsLoggedWithTheStatusTheGuestEndedWith() {
        ConsoleSink.logger("demo").ended("EXITED(0)");

        assertEquals(
                "the guest is down (EXITED(0)); the VM is torn down",
                new SimpleFormatter().formatMessage(records.getFirst()));
    }
}
