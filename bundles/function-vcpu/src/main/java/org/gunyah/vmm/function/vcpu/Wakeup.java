package org.gunyah.vmm.function.vcpu;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The vCPU's {@code ready} completion. It is re-armed before each hypercall, so a wakeup that
 * lands while the hypercall runs is not lost: the wait that follows returns at once.
 */
final class Wakeup {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    /** Written under {@code lock}; volatile so that {@link #rearm} can look without taking it. */
    private volatile boolean signalled;

    /**
     * Called before every hypercall, so on every exit: it takes the lock only when there is a
     * signal to clear. A signal that lands after the look is simply one that came after the rearm.
     */
    void rearm() {
        if (!signalled) {
            return;
        }
        lock.lock();
        try {
            signalled = false;
        } finally {
            lock.unlock();
        }
    }

    void signal() {
        lock.lock();
        try {
            signalled = true;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until signalled; the bound is a safety net, callers re-check their state anyway. */
    void await(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!signalled && nanos > 0) {
                nanos = woken.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }
}
