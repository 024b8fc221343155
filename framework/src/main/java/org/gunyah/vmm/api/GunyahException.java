package org.gunyah.vmm.api;

import java.util.Objects;

/**
 * A failure the caller can act on. Every such failure carries the errno the Linux VM manager
 * would return and a message naming the offending value; the operation that threw it changed
 * nothing.
 */
public class GunyahException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Errno errno;

    public GunyahException(Errno errno, String message) {
        super(errno.name() + ": " + message);
        this.errno = Objects.requireNonNull(errno);
    }

    public GunyahException(Errno errno, String message, Throwable cause) {
        super(errno.name() + ": " + message, cause);
        this.errno = Objects.requireNonNull(errno);
    }

    public Errno errno() {
        return errno;
    }

    /** Shorthand used by argument checks: {@code throw GunyahException.of(EINVAL, "len %d", len)}. */
    public static GunyahException of(Errno errno, String format, Object... args) {
        return new GunyahException(errno, String.format(format, args));
    }
}
