package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.gunyah.vmm.device.MmioDevice;

/**
 * A plugged device's window on the bus, whose device can be swapped under running vCPUs: while
 * the device is being replaced the window is held, and an access waits (up to {@link #HOLD_LIMIT})
 * for the successor, so the guest sees a pause rather than a device that reads as zero. Accesses
 * share a read lock, so that {@link #hold} waits for those in progress before the old device is
 * asked for its state; waiting for a release is a condition of its own lock.
 */
final class HeldRegisters implements MmioDevice {
    /** How long an access waits for a device being replaced: after it, reads give 0 and writes are dropped. */
    static final Duration HOLD_LIMIT = Duration.ofSeconds(30);

    private final ReentrantReadWriteLock access = new ReentrantReadWriteLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private volatile MmioDevice current;
    private volatile boolean closed;

    /** Takes the device's accesses from now on. */
    void release(MmioDevice device) {
        lock.lock();
        try {
            current = device;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Holds the accesses from now on; returns once none is in progress. */
    void hold() {
        access.writeLock().lock();
        try {
            current = null;
        } finally {
            access.writeLock().unlock();
        }
    }

    /** The VM goes down: nothing waits any more. */
    void close() {
        lock.lock();
        try {
            closed = true;
            current = null;
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long read(long offset, int size) {
        MmioDevice d = acquire();
        if (d == null) {
            return 0;
        }
        try {
            return d.read(offset, size);
        } finally {
            access.readLock().unlock();
        }
    }

    @Override
    public void write(long offset, int size, long value) {
        MmioDevice d = acquire();
        if (d == null) {
            return;
        }
        try {
            d.write(offset, size, value);
        } finally {
            access.readLock().unlock();
        }
    }

    /** The device, with the read lock held; null (no lock) when closed or held past the limit. */
    private MmioDevice acquire() {
        long deadline = System.nanoTime() + HOLD_LIMIT.toNanos();
        while (true) {
            access.readLock().lock();
            MmioDevice d = current;
            if (d != null) {
                return d;
            }
            access.readLock().unlock();
            lock.lock();
            try {
                while (current == null) {
                    long left = deadline - System.nanoTime();
                    if (closed || left <= 0) {
                        return null;
                    }
                    released.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Whether a device takes the accesses now, for tests. */
    boolean held() {
        return current == null;
    }
}
