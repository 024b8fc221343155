package org.gunyah.vmm.managed;

/**
 * A device of a device bundle in a VM, as consoles show it: what was declared, its window and SPI,
 * and whether a device of its model takes its accesses now ({@code attached}) or its window is
 * held while the model's bundle is replaced.
 */
public record DeviceInfo(DeviceSpec spec, long base, long size, int spi, boolean attached) {
    @Override
    public String toString() {
        return String.format(
                "%s at 0x%x (0x%x bytes), SPI %d: %s",
                spec,
                base,
                size,
                spi,
                attached ? "attached" : "held (its model is away: being replaced, or its bundle stopped)");
    }
}
