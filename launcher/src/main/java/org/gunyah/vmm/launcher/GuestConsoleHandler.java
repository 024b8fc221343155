package org.gunyah.vmm.launcher;

import java.util.logging.Formatter;
import java.util.logging.LogRecord;
import java.util.logging.StreamHandler;

/**
 * The runtime's output for guest consoles: {@code conf/logging.properties} gives it the loggers
 * {@code org.gunyah.vmm.guest.<vm>} (the VMM's console sinks), and it prints each record as
 * {@code [<vm>] <line>} on standard output, as a serial port on the VMM's terminal would; and the
 * logger {@value #CONSOLE}, whose lines it prints as they are.
 *
 * <p>It lives here, on the class path, because java.util.logging instantiates handlers named in
 * its configuration through the system class loader, which sees no bundle.
 */
public final class GuestConsoleHandler extends StreamHandler {
    static final String LOGGERS = "org.gunyah.vmm.guest.";
    /** The logger of the runtime's lines for the person at the console (the Web Console's address). */
    static final String CONSOLE = "org.gunyah.vmm.console";

    public GuestConsoleHandler() {
        super(System.out, new LineFormatter());
    }

    /** The console's prompt while it shows at the end of the output (null when not), and its lock. */
    private static final Object PROMPT_LOCK = new Object();

    private static String prompt;

    /**
     * The console printed {@code shown} and waits after it for a line (null: the line typed after
     * it runs, the cursor is at the start of a line). Called by the console through the launcher.
     */
    static void prompt(String shown) {
        synchronized (PROMPT_LOCK) {
            prompt = shown;
        }
    }

    /**
     * Prints the record on a line of its own: when the console's prompt shows, on a new line, and
     * the prompt is printed again after it, as a serial console's output interleaves with a shell.
     */
    @Override
    public void publish(LogRecord record) {
        if (!isLoggable(record)) {
            return;
        }
        synchronized (PROMPT_LOCK) {
            String shown = prompt;
            synchronized (this) {
                if (shown != null) {
                    System.out.print(System.lineSeparator());
                    System.out.flush();
                }
                super.publish(record);
                flush(); // a console line is worth seeing as soon as the guest writes it
                if (shown != null) {
                    System.out.print(shown);
                    System.out.flush();
                }
            }
        }
    }

    /** Flushes only: the stream is the process's standard output, which outlives logging. */
    @Override
    public synchronized void close() {
        flush();
    }

    /**
     * {@code [<vm>] <message>}: the VM's name is the logger's name after {@value #LOGGERS}; a line of
     * logger {@value #CONSOLE} (the runtime's own, for the person at the console) as it is.
     */
    static final class LineFormatter extends Formatter {
        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            if (logger.equals(CONSOLE)) {
                return formatMessage(record) + System.lineSeparator();
            }
            String vm = logger.startsWith(LOGGERS) ? logger.substring(LOGGERS.length()) : logger;
            return "[" + vm + "] " + formatMessage(record) + System.lineSeparator();
        }
    }
}
