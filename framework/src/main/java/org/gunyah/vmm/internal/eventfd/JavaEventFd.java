package org.gunyah.vmm.internal.eventfd;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;

/**
 * eventfd(2) in Java. The counter is unsigned and lives under one lock with two conditions
 * (readers wait for non-zero, writers for room); listeners run after the lock is released, in the
 * signalling thread, as the kernel's wait-queue callbacks do.
 */
public final class JavaEventFd implements EventFd {
    private static final Logger LOG = System.getLogger(JavaEventFd.class.getName());
    /** How long closing a subscription waits for a listener that breaks the must-be-quick rule. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final int fd;
    private final int flags;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    private long count;
    private volatile boolean closed;

    public JavaEventFd(int fd, long initval, int flags) {
        if (initval < 0 || initval > 0xffff_ffffL) {
            throw new IllegalArgumentException("eventfd initial value " + initval + " is not an unsigned int");
        }
        this.fd = fd;
        this.flags = flags;
        this.count = initval;
    }

    @Override
    public int fd() {
        return fd;
    }

    @Override
    public int flags() {
        return flags;
    }

    private boolean nonBlocking() {
        return (flags & NONBLOCK) != 0;
    }

    @Override
    public void write(long value) throws GunyahException {
        if (value == -1L) {
            throw GunyahException.of(Errno.EINVAL, "eventfd %d: 0xffffffffffffffff cannot be written", fd);
        }
        lock.lock();
        try {
            while (true) {
                checkOpen();
                if (Long.compareUnsigned(value, MAX - count) <= 0) {
                    break;
                }
                if (nonBlocking()) {
                    throw GunyahException.of(
                            Errno.EAGAIN,
                            "eventfd %d: counter 0x%x cannot take %s without blocking",
                            fd,
                            count,
                            Long.toUnsignedString(value));
                }
                writable.awaitUninterruptibly();
            }
            count += value;
            if (count != 0) {
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (value != 0 || isReadable()) {
            fire();
        }
    }

    @Override
    public long read() throws GunyahException {
        lock.lock();
        try {
            while (true) {
                checkOpen();
                if (count != 0) {
                    return take();
                }
                if (nonBlocking()) {
                    throw GunyahException.of(Errno.EAGAIN, "eventfd %d: counter is 0", fd);
                }
                readable.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public OptionalLong read(Duration timeout) throws GunyahException {
        long nanos = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                checkOpen();
                if (count != 0) {
                    return OptionalLong.of(take());
                }
                if (nanos <= 0) {
                    return OptionalLong.empty();
                }
                try {
                    nanos = readable.awaitNanos(nanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw GunyahException.of(Errno.EINTR, "eventfd %d: read interrupted", fd);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the counter (or one, in semaphore mode); caller holds the lock and count != 0. */
    private long take() {
        long value = (flags & SEMAPHORE) != 0 ? 1 : count;
        count -= value;
        writable.signalAll();
        return value;
    }

    @Override
    public void signal(long n) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            count = Long.compareUnsigned(n, MAX - count) > 0 ? MAX : count + n;
            if (count != 0) {
                readable.signalAll();
            }
        } finally {
            lock.unlock();
        }
        fire();
    }

    @Override
    public boolean isReadable() {
        lock.lock();
        try {
            return closed || count != 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Subscription subscribe(Runnable listener) {
        Listener l = new Listener(listener);
        listeners.add(l);
        lock.lock();
        boolean pending;
        try {
            pending = count != 0 && !closed;
        } finally {
            lock.unlock();
        }
        if (pending) {
            l.call();
        }
        return l;
    }

    private void fire() {
        for (Listener l : listeners) {
            l.call();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        listeners.clear();
    }

    private void checkOpen() throws GunyahException {
        if (closed) {
            throw GunyahException.of(Errno.EBADF, "eventfd %d is closed", fd);
        }
    }

    @Override
    public String toString() {
        return "eventfd " + fd;
    }

    /**
     * A subscription. Closing it waits for calls in progress in other threads to return, so that
     * whoever closes it may free what the listener uses (an irqfd letting go of its doorbell must
     * not race a signal it already took). A listener closing its own subscription does not wait
     * for itself.
     */
    private final class Listener implements Subscription {
        private final Runnable action;
        /** Guards {@code active} and {@code calling}; never held while {@code action} runs. */
        private final ReentrantLock callLock = new ReentrantLock();
        /** Signalled when a thread returns from {@code action}: what {@link #close} waits for. */
        private final Condition callReturned = callLock.newCondition();

        private boolean active = true;
        /** Threads inside {@code action} now. */
        private final List<Thread> calling = new ArrayList<>(2);

        Listener(Runnable action) {
            this.action = action;
        }

        void call() {
            Thread me = Thread.currentThread();
            callLock.lock();
            try {
                if (!active) {
                    return;
                }
                calling.add(me);
            } finally {
                callLock.unlock();
            }
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "eventfd " + fd + ": listener failed", e);
            } finally {
                callLock.lock();
                try {
                    calling.remove(me);
                    callReturned.signalAll();
                } finally {
                    callLock.unlock();
                }
            }
        }

        @Override
        public void close() {
            listeners.remove(this);
            Thread me = Thread.currentThread();
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            boolean interrupted = false;
            callLock.lock();
            try {
                active = false;
                while (calling.stream().anyMatch(t -> t != me)) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.log(
                                Level.ERROR,
                                "eventfd {0}: a listener still runs after {1}; closing without it",
                                fd,
                                CLOSE_WAIT);
                        break;
                    }
                    try {
                        callReturned.awaitNanos(left);
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            } finally {
                callLock.unlock();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
