package org.gunyah.vmm.launcher;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * The runtime's output for guest consoles: {@code conf/logging.properties} gives it the loggers
 * {@code org.gunyah.vmm.guest.<vm>} (the VMM's console sinks), and it prints each record as
 * {@code [<vm>] <line>} on standard output, as a serial port on the VMM's terminal would.
 *
 * <p>It lives here, on the class path, because java.util.logging instantiates handlers named in
 * its configuration through the system class loader, which sees no bundle.
 */
public final class GuestConsoleHandler extends StreamHandler {
    static final String LOGGERS = "org.gunyah.vmm.guest.";

    public GuestConsoleHandler() {
        super(System.out, new LineFormatter());
    }

    @Override
    public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush(); // a console line is worth seeing as soon as the guest writes it
    }

    /** Flushes only: the stream is the process's standard output, which outlives logging. */
    @Override
    public synchronized void close() {
        flush();
    }

    /** {@code [<vm>] <message>}: the VM's name is the logger's name after {@value #LOGGERS}. */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            String vm = logger.startsWith(LOGGERS) ? logger.substring(LOGGERS.length()) : logger;
            return "[" + vm + "] " + formatMessage(record) + System.lineSeparator();
        }
    }
}
