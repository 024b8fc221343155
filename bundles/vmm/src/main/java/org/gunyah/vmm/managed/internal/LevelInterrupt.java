package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;

/**
 * A device model's level-triggered interrupt through a resampled level irqfd
 * ({@code LEVEL | RESAMPLE}, as KVM's resamplefd). The doorbell behind it holds the interrupt from
 * a signal until the guest's EOI, which clears it; the irqfd then signals the resample eventfd. So
 * each change that may have asserted the device's line signals the irqfd while the line is up, and
 * each resample signals it again if the line is still up: a byte that came after the handler last
 * looked at the device (whose signal the active interrupt absorbed) is delivered right after the
 * EOI, and a line that went down is left alone. Extra signals while the interrupt is pending or
 * active change nothing.
 */
final class LevelInterrupt implements AutoCloseable {
    private final BooleanSupplier line;
    private final Runnable signal;
    private final EventFd resample;
    private final EventFd.Subscription resamples;

    /**
     * {@code line} answers whether the device asserts its line; {@code signal} signals the irqfd;
     * {@code resample} is the irqfd's resample eventfd (the caller closes it, after this).
     */
    LevelInterrupt(BooleanSupplier line, Runnable signal, EventFd resample) {
        this.line = line;
        this.signal = signal;
        this.resample = resample;
        this.resamples = resample.subscribe(this::resampled);
    }

    /** The device changed in a way that may have asserted its line. */
    void changed() {
        if (line.getAsBoolean()) {
            signal.run();
        }
    }

    /** The guest acknowledged the interrupt. Runs in the signaller's thread: quick, never blocking. */
    private void resampled() {
        try {
            if (resample.read(Duration.ZERO).isEmpty()) {
                return; // an earlier call drained this acknowledgement and looked at the line after it
            }
        } catch (GunyahException e) {
            return; // closed: the VM is going down
        }
        changed();
    }

    /** Stops listening for acknowledgements: the VM goes down. */
    @Override
    public void close() {
        resamples.close();
    }
}
