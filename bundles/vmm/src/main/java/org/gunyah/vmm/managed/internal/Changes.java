package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The one event a managed VM's waits wait on: whatever can make one of their conditions true (a
 * status transition, a vCPU thread ending, a function re-added, the VM manager changing the VM's
 * state) signals it, and each waiter re-checks its own condition.
 *
 * <p>A {@link Phaser} of one party rather than a lock's condition, because signalling must never
 * block: the VM manager signals from threads that hold its own locks (a close fires its state
 * change under the VM's lifecycle lock) and vCPU threads signal between guest instructions.
 */
final class Changes {
    private final Phaser phaser = new Phaser(1);

    /**
     * Wakes every waiter; never blocks. Arrivals are serialised: two threads arriving at once at a
     * one-party phaser can find the phase mid-advance, and the second arrival then fails with
     * IllegalStateException ("unregistered party"). The lock is a leaf (arrive only unparks
     * waiters), so holding other locks while signalling stays safe.
     */
    void signal() {
        synchronized (phaser) {
            phaser.arrive();
        }
    }

    /** Waits, bounded, until {@code condition} holds; it is checked after every signal. */
    boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            // The phase is read before the check, so a signal between the check and the wait is not lost.
            int phase = phaser.getPhase();
            if (condition.getAsBoolean()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                phaser.awaitAdvanceInterruptibly(phase, left, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return condition.getAsBoolean();
            }
        }
    }
}
