package org.gunyah.vmm.managed;

import java.time.Duration;

/**
 * A device of a device bundle in a VM, as consoles show it: what was declared, its window and SPI,
 * whether a device of its model takes its accesses now ({@code attached}) or its window is held
 * while the model's bundle is replaced, and how its replacements went.
 */
public record DeviceInfo(DeviceSpec spec, long base, long size, int spi, boolean attached, Replacements replacements) {
    /**
     * The replacements of a device's model so far and the pauses the guest saw: from the moment
     * its window was held (the old model leaving) to the moment the new device took it over. A
     * replacement still in progress is not counted.
     */
    public record Replacements(int count, Duration last, Duration longest, Duration total) {
        public static final Replacements NONE = new Replacements(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);

        /** These and one more, which paused the guest for {@code pause}. */
        public Replacements plus(Duration pause) {
            return new Replacements(
                    count + 1, pause, longest.compareTo(pause) >= 0 ? longest : pause, total.plus(pause));
        }

        @Override
        public String toString() {
            return count == 0
                    ? "never replaced"
                    : String.format(
                            "replaced %d time%s, pause last %s, longest %s, mean %s",
                            count,
                            count == 1 ? "" : "s",
                            millis(last),
                            millis(longest),
                            millis(total.dividedBy(count)));
        }

        private static String millis(Duration d) {
            return String.format("%.1f ms", d.toNanos() / 1e6);
        }
    }

    /** A device never replaced. */
    public DeviceInfo(DeviceSpec spec, long base, long size, int spi, boolean attached) {
        this(spec, base, size, spi, attached, Replacements.NONE);
    }

    @Override
    public String toString() {
        return String.format(
                "%s at 0x%x (0x%x bytes), SPI %d: %s; %s",
                spec,
                base,
                size,
                spi,
                attached ? "attached" : "held (its model is away: being replaced, or its bundle stopped)",
                replacements);
    }
}
