package org.gunyah.vmm.managed;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * How the VMM watches a running guest and answers its reset. With a {@code watchdog}, a guest
 * whose console (the console register or the PL011) prints nothing for that long has stopped
 * making progress: the VM ends CRASHED, the reason saying where each vCPU was. {@code onReset}
 * is what a guest's reset (PSCI SYSTEM_RESET) does: stop the VM (its status is then RESET), or
 * restart it from its declaration, as a machine reboots.
 */
public record Supervision(Optional<Duration> watchdog, OnReset onReset) {
    /** Shorter would fire between the lines of a guest that is merely busy. */
    public static final Duration MIN_WATCHDOG = Duration.ofMillis(100);

    public static final Supervision NONE = new Supervision(Optional.empty(), OnReset.STOP);

    /** What a guest's reset does. */
    public enum OnReset {
        STOP,
        RESTART;

        /** {@code stop} or {@code restart}; EINVAL naming {@code field} otherwise. */
        public static OnReset of(String field, String text) throws GunyahException {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "stop" -> STOP;
                case "restart" -> RESTART;
                default -> throw GunyahException.of(Errno.EINVAL, "%s: '%s' is neither stop nor restart", field, text);
            };
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public Supervision {
        watchdog = watchdog == null ? Optional.empty() : watchdog;
        onReset = onReset == null ? OnReset.STOP : onReset;
    }

    /** EINVAL for a watchdog shorter than {@link #MIN_WATCHDOG}. */
    public void validate() throws GunyahException {
        if (watchdog.isPresent() && watchdog.get().compareTo(MIN_WATCHDOG) < 0) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "watchdog %d ms is shorter than %d ms",
                    watchdog.get().toMillis(),
                    MIN_WATCHDOG.toMillis());
        }
    }

    public Supervision withWatchdog(Duration period) {
        return new Supervision(Optional.ofNullable(period), onReset);
    }

    public Supervision withOnReset(OnReset action) {
        return new Supervision(watchdog, action);
    }
}
