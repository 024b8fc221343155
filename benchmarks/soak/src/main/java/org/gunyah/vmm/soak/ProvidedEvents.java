package org.gunyah.vmm.soak;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/** Counts, per function type, the times a provider was bound to it, and waits for the next one. */
final class ProvidedEvents implements IntConsumer {
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every count: what {@link #awaitBeyond} waits for. */
    private final Condition provided = lock.newCondition();

    private final Map<Integer, Long> counts = new HashMap<>();

    @Override
    public void accept(int type) {
        lock.lock();
        try {
            counts.merge(type, 1L, Long::sum);
            provided.signalAll();
        } finally {
            lock.unlock();
        }
    }

    long count(int type) {
        lock.lock();
        try {
            return counts.getOrDefault(type, 0L);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until {@code type} was provided more than {@code seen} times. */
    boolean awaitBeyond(int type, long seen, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (counts.getOrDefault(type, 0L) <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                provided.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
