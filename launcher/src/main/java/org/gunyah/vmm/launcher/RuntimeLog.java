package org.gunyah.vmm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log of a runtime that runs as a service ({@code bin/gunyah run} and {@code start}): every record
 * java.util.logging passes (the levels of {@code conf/logging.properties}) and the guests' console
 * lines, with their time, in {@code log/gunyah-0.log}, rotated at {@value #LIMIT} bytes
 * ({@code gunyah.log.limit}) into {@code gunyah-1.log} ... up to {@value #COUNT} files
 * ({@code gunyah.log.count}).
 */
final class RuntimeLog {
    static final String LIMIT_KEY = "gunyah.log.limit";
    static final String COUNT_KEY = "gunyah.log.count";
    static final int LIMIT = 10 * 1024 * 1024;
    static final int COUNT = 5;
    private static final String GUESTS = "org.gunyah.vmm.guest";

    private RuntimeLog() {}

    /**
     * Adds the rotating file to the root logger and the guests' one; in the background (no terminal to
     * print on), {@code onlyFiles} also takes their console handlers away.
     */
    static void toFiles(Path home, boolean onlyFiles) throws IOException {
        Path folder = Files.createDirectories(home.resolve("log"));
        LogManager manager = LogManager.getLogManager();
        FileHandler file = new FileHandler(
                folder.resolve("gunyah-%g.log").toString(),
                number(manager.getProperty(LIMIT_KEY), LIMIT),
                Math.max(1, number(manager.getProperty(COUNT_KEY), COUNT)),
                true);
        file.setFormatter(new TimedFormatter());
        file.setLevel(Level.ALL);
        file.setEncoding("UTF-8");
        for (Logger logger : new Logger[] {
            Logger.getLogger(""), Logger.getLogger(GUESTS), Logger.getLogger(GuestConsoleHandler.CONSOLE)
        }) {
            if (onlyFiles) {
                for (Handler h : logger.getHandlers()) {
                    logger.removeHandler(h);
                }
            }
            logger.addHandler(file);
        }
    }

    static int number(String value, int fallback) {
        try {
            return value == null ? fallback : Math.max(0, Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** {@code 2026-01-31 12:00:00.123 WARNING logger: message}, a guest's line as {@code [vm] line}. */
    static final class TimedFormatter extends Formatter {
        private static final DateTimeFormatter TIME =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord record) {
            String time = TIME.format(Instant.ofEpochMilli(record.getMillis()));
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            String message = formatMessage(record);
            if (logger.startsWith(GUESTS + ".")) {
                return time + " [" + logger.substring(GUESTS.length() + 1) + "] " + message + System.lineSeparator();
            }
            StringBuilder line = new StringBuilder(time)
                    .append(' ')
                    .append(record.getLevel().getName())
                    .append(' ')
                    .append(logger)
                    .append(": ")
                    .append(message)
                    .append(System.lineSeparator());
            if (record.getThrown() != null) {
                java.io.StringWriter trace = new java.io.StringWriter();
                record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }
}
