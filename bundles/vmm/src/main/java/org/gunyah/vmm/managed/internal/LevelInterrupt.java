package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A device model's level-triggered interrupt through a level irqfd. The doorbell behind a level
 * irqfd holds the interrupt from a signal until the guest's EOI, which clears it (the bell's ack
 * mask); the VMM never hears of that EOI. So each change that may have asserted the device's line
 * signals the irqfd while the line is up, and while it stays up the line is sampled again every
 * {@link #RESAMPLE} and signalled again. A line still up after the guest's EOI (a byte that came
 * after the handler last looked at the device, whose signal the active interrupt absorbed) is
 * thus delivered again within {@link #RESAMPLE}; a line that went down ends the sampling. Extra
 * signals while the interrupt is pending or active change nothing.
 */
final class LevelInterrupt implements AutoCloseable {
    static final Duration RESAMPLE = Duration.ofMillis(10);

    private final BooleanSupplier line;
    private final Runnable signal;
    /** Its one thread starts at the first resample: a VM whose device never interrupts has none. */
    private final ScheduledThreadPoolExecutor timer;

    private boolean scheduled;

    /** {@code line} answers whether the device asserts its line; {@code signal} signals the irqfd. */
    LevelInterrupt(String name, BooleanSupplier line, Runnable signal) {
        this.line = line;
        this.signal = signal;
        this.timer = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name(name).factory());
        timer.setKeepAliveTime(1, TimeUnit.SECONDS);
        timer.allowCoreThreadTimeOut(true);
    }

    /** The device changed in a way that may have asserted its line. */
    void changed() {
        if (!line.getAsBoolean()) {
            return;
        }
        signal.run();
        synchronized (this) {
            if (scheduled || timer.isShutdown()) {
                return;
            }
            scheduled = true;
        }
        try {
            timer.schedule(this::resample, RESAMPLE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile: the VM is going down
        }
    }

    private void resample() {
        synchronized (this) {
            scheduled = false;
        }
        changed();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
