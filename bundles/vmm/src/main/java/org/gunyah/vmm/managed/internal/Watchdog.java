package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A running guest's progress watch ({@link org.gunyah.vmm.managed.Supervision#watchdog}): each
 * console byte is progress; once {@code period} passes without any, {@code expired} is called
 * once, with how long it was, on the watchdog's own thread. A progress costs one volatile write,
 * since it comes with every byte the guest prints; the thread looks at it only when its deadline
 * comes, then sleeps until the next one.
 */
final class Watchdog implements AutoCloseable {
    private final Duration period;
    private final Consumer<Duration> expired;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled by close only: progress never wakes the thread. */
    private final Condition closing = lock.newCondition();

    private final Thread thread;

    private volatile long lastProgress;
    private boolean closed;

    private Watchdog(String vmName, Duration period, Consumer<Duration> expired) {
        this.period = period;
        this.expired = expired;
        this.lastProgress = System.nanoTime();
        this.thread = Thread.ofPlatform().daemon().name("watchdog-" + vmName).unstarted(this::watch);
    }

    /** Starts watching now: the guest has {@code period} to print its first byte. */
    static Watchdog start(String vmName, Duration period, Consumer<Duration> expired) {
        Watchdog w = new Watchdog(vmName, period, expired);
        w.thread.start();
        return w;
    }

    /** The guest printed something. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    private void watch() {
        boolean expire = false;
        lock.lock();
        try {
            while (!closed) {
                long left = lastProgress + period.toNanos() - System.nanoTime();
                if (left <= 0) {
                    expire = true;
                    closed = true;
                    break;
                }
                closing.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            return; // only close interrupts, and only a thread that would not end
        } finally {
            lock.unlock();
        }
        if (expire) {
            expired.accept(period);
        }
    }

    /** Stops watching; waits (bounded) for the thread, unless called from it. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            closing.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            try {
                if (!thread.join(Duration.ofSeconds(5))) {
                    thread.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
