package org.gunyah.vmm.managed;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * Numbers as people type them: decimal, {@code 0x} hex, {@code 0o} octal, {@code 0b} binary, with
 * optional {@code _} separators; sizes also take K, M, G (powers of 1024, with or without "iB").
 * Values are 64-bit unsigned; anything else is EINVAL naming the field.
 */
public final class Numbers {
    private Numbers() {}

    /** An unsigned 64-bit value. */
    public static long parse(String field, String text) throws GunyahException {
        if (text == null || text.isBlank()) {
            throw GunyahException.of(Errno.EINVAL, "%s: a number is needed", field);
        }
        String t = text.strip().replace("_", "").toLowerCase(Locale.ROOT);
        int radix = 10;
        if (t.startsWith("0x")) {
            radix = 16;
            t = t.substring(2);
        } else if (t.startsWith("0o")) {
            radix = 8;
            t = t.substring(2);
        } else if (t.startsWith("0b")) {
            radix = 2;
            t = t.substring(2);
        }
        try {
            if (t.isEmpty() || t.startsWith("+") || t.startsWith("-")) {
                throw new NumberFormatException();
            }
            return Long.parseUnsignedLong(t, radix);
        } catch (NumberFormatException e) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "%s: '%s' is not a number (decimal, 0x hex, 0o octal or 0b binary, at most 64 bits)",
                    field,
                    text);
        }
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)");

    /** A duration: a whole number of milliseconds, seconds, minutes or hours ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}). */
    public static Duration parseDuration(String field, String text) throws GunyahException {
        Matcher m = DURATION.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw GunyahException.of(
                    Errno.EINVAL, "%s: '%s' is not a duration (a number with ms, s, m or h, such as 30s)", field, text);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A duration as {@link #parseDuration} reads it: the largest whole unit ({@code 30s}, {@code 1500ms}). */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 && ms > 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** A value that must fit in 32 bits unsigned. */
    public static int parseU32(String field, String text) throws GunyahException {
        long v = parse(field, text);
        if (Long.compareUnsigned(v, 0xffff_ffffL) > 0) {
            throw GunyahException.of(Errno.EINVAL, "%s: %s does not fit in 32 bits", field, text);
        }
        return (int) v;
    }

    /** A byte count: a number with an optional K, M or G suffix (KiB, MiB, GiB also accepted). */
    public static long parseSize(String field, String text) throws GunyahException {
        if (text == null) {
            throw GunyahException.of(Errno.EINVAL, "%s: a size is needed", field);
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.endsWith("ib")) {
            t = t.substring(0, t.length() - 2);
        } else if (t.endsWith("b") && !t.startsWith("0x") && !t.startsWith("0b")) {
            t = t.substring(0, t.length() - 1);
        }
        int shift = 0;
        if (!t.isEmpty() && !t.startsWith("0x")) {
            switch (t.charAt(t.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                default -> shift = 0;
            }
        }
        if (shift > 0) {
            t = t.substring(0, t.length() - 1);
        }
        long v = parse(field, t);
        if (shift > 0 && Long.compareUnsigned(v, -1L >>> shift) > 0) {
            throw GunyahException.of(Errno.EINVAL, "%s: %s is too large", field, text);
        }
        return v << shift;
    }

    /** true/false, yes/no, 1/0, on/off. */
    public static boolean parseBoolean(String field, String text) throws GunyahException {
        return switch (text == null ? "" : text.strip().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw GunyahException.of(Errno.EINVAL, "%s: '%s' is not true or false", field, text);
        };
    }
}
