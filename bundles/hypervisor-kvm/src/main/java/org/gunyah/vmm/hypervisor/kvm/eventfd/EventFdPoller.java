package org.gunyah.vmm.hypervisor.kvm.eventfd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;

/**
 * One thread that watches every subscribed kernel eventfd with epoll, edge-triggered: eventfd
 * wakes its waiters on every write, so each write or in-kernel signal is one event, as the
 * in-process {@code EventFd.subscribe} contract wants. Closing a subscription waits, bounded, for
 * a call of its listener in progress (unless the listener closes itself).
 */
public final class EventFdPoller implements AutoCloseable {
    private static final Logger LOG = System.getLogger(EventFdPoller.class.getName());
    private static final int BATCH = 64;
    /** How long ending a subscription waits for its listener to return, as JavaEventFd does. */
    private static final Duration RETIRE_WAIT = Duration.ofSeconds(5);

    private final Fd epoll;
    private final Fd wake;
    private final Map<Integer, CopyOnWriteArrayList<Watch>> watches = new ConcurrentHashMap<>();
    private final java.util.Set<Integer> registered = new java.util.HashSet<>();
    private final Thread thread;
    private final Duration retireWait;
    private volatile boolean stopping;

    public EventFdPoller() throws GunyahException {
        this(RETIRE_WAIT);
    }

    /** A poller whose subscriptions wait {@code retireWait} for a listener in progress (tests). */
    EventFdPoller(Duration retireWait) throws GunyahException {
        this.retireWait = retireWait;
        epoll = Fd.epoll();
        wake = Fd.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        add(wake.value());
        thread = Thread.ofPlatform().name("gunyah-eventfd-poller").daemon().unstarted(this::loop);
        thread.start();
    }

    /**
     * Calls {@code listener} after each signal of {@code kernelFd}, and once now if it is
     * readable: epoll reports that for the fd's first watch, {@code readableNow} for the others.
     */
    EventFd.Subscription watch(int kernelFd, Runnable listener, BooleanSupplier readableNow) {
        Watch w = new Watch(listener);
        CopyOnWriteArrayList<Watch> list = watches.computeIfAbsent(kernelFd, fd -> new CopyOnWriteArrayList<>());
        list.add(w);
        boolean first;
        synchronized (registered) {
            first = registered.add(kernelFd);
            if (first) {
                add(kernelFd);
            }
        }
        if (!first && readableNow.getAsBoolean()) {
            w.call();
        }
        return () -> {
            list.remove(w);
            w.retire(thread, retireWait);
        };
    }

    /** The fd is about to be closed: no more events for it. */
    void forget(int kernelFd) {
        synchronized (registered) {
            if (registered.remove(kernelFd)) {
                Libc.epollCtl(Libc.newCapture(), epoll.value(), Libc.EPOLL_CTL_DEL, kernelFd, MemorySegment.NULL);
            }
        }
        CopyOnWriteArrayList<Watch> list = watches.remove(kernelFd);
        if (list != null) {
            list.forEach(w -> w.retire(thread, retireWait));
        }
    }

    private void add(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = a.allocate(Libc.EPOLL_EVENT);
            ev.set(JAVA_INT, 0, Libc.EPOLLIN | Libc.EPOLLET);
            ev.set(JAVA_LONG.withByteAlignment(4), 4, fd);
            MemorySegment c = Libc.newCapture();
            if (Libc.epollCtl(c, epoll.value(), Libc.EPOLL_CTL_ADD, fd, ev) < 0) {
                LOG.log(Level.ERROR, "epoll_ctl ADD of fd {0} failed: errno {1}", fd, Libc.errno(c));
            }
        }
    }

    private void loop() {
        MemorySegment capture = Libc.newCapture();
        MemorySegment events = Arena.ofAuto().allocate(Libc.EPOLL_EVENT, BATCH);
        while (!stopping) {
            int n = Libc.epollWait(capture, epoll.value(), events, -1);
            for (int i = 0; i < n; i++) {
                int fd = (int) events.get(JAVA_LONG.withByteAlignment(4), i * Libc.EPOLL_EVENT.byteSize() + 4);
                CopyOnWriteArrayList<Watch> list = watches.get(fd);
                if (list != null) {
                    list.forEach(Watch::call);
                }
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        MemorySegment one = Arena.ofAuto().allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1);
        Libc.write(Libc.newCapture(), wake.value(), one);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        wake.close();
        epoll.close();
    }

    /** One listener; {@link #retire} waits out a call in progress on the poller thread. */
    private static final class Watch {
        private final Runnable listener;
        /** Guards {@code retired} and {@code calling}; never held while the listener runs. */
        private final ReentrantLock lock = new ReentrantLock();
        /** Signalled when the listener returns: what {@link #retire} waits for. */
        private final Condition callReturned = lock.newCondition();

        private boolean retired;
        private boolean calling;

        Watch(Runnable listener) {
            this.listener = listener;
        }

        void call() {
            lock.lock();
            try {
                if (retired) {
                    return;
                }
                calling = true;
            } finally {
                lock.unlock();
            }
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "eventfd listener failed", e);
            } finally {
                lock.lock();
                try {
                    calling = false;
                    callReturned.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        /**
         * No call starts after this; a call in progress on another thread is waited for, up to
         * {@code wait} (a listener must be quick), then given up on with an error logged.
         */
        void retire(Thread poller, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            lock.lock();
            try {
                retired = true;
                if (Thread.currentThread() == poller) {
                    return;
                }
                while (calling) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        LOG.log(
                                Level.ERROR,
                                "an eventfd listener still runs after {0}; its subscription ends without it",
                                wait);
                        return;
                    }
                    try {
                        callReturned.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
