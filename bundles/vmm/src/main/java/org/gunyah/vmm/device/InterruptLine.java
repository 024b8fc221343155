package org.gunyah.vmm.device;

/**
 * A device's level-triggered interrupt, as the VMM wires it: the device answers whether its line
 * is up (the {@code BooleanSupplier} it gave the VMM) and calls {@link #changed} whenever it may
 * have gone up; the VMM signals the guest then, and again after each EOI of the guest while the
 * line stays up (an irqfd resampled at EOI). A line that goes down needs no call.
 */
public interface InterruptLine {
    /** The device's line may have gone up. Never blocks; any thread. */
    void changed();
}
