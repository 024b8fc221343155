package org.gunyah.vmm.soak;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** Counts, per function type, the times a provider was bound to it, and waits for the next one. */
final class ProvidedEvents implements IntConsumer {
    private final Map<Integer, Long> counts = new HashMap<>();

    @Override
    public synchronized void accept(int type) {
        counts.merge(type, 1L, Long::sum);
        notifyAll();
    }

    synchronized long count(int type) {
        return counts.getOrDefault(type, 0L);
    }

    /** Waits until {@code type} was provided more than {@code seen} times. */
    synchronized boolean awaitBeyond(int type, long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(type) <= seen) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}
