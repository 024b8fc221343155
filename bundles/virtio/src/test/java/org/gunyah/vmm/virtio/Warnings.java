package org.gunyah.vmm.virtio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The warnings the transport logs (System.Logger goes to java.util.logging in tests), while open. */
final class Warnings extends Handler implements AutoCloseable {
    // held: java.util.logging keeps its loggers weakly, and the handler with them
    private final Logger logger = Logger.getLogger(MmioTransport.class.getName());
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final SimpleFormatter formatter = new SimpleFormatter();

    private final boolean parents = logger.getUseParentHandlers();

    /** Captures the warnings instead of printing them: a test's expected warning is not news. */
    Warnings() {
        logger.setUseParentHandlers(false);
        logger.addHandler(this);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            messages.add(formatter.formatMessage(record));
        }
    }

    List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setUseParentHandlers(parents);
    }
}
