package org.gunyah.vmm.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * epoll(7) for eventfds: one thread waits on many, with no thread per eventfd. Built on
 * {@link EventFd#subscribe}, so it works with any implementation. Level-triggered like epoll's
 * default: an eventfd is reported by every {@link #poll} while it is readable. Thread-safe.
 *
 * @param <K> what the caller wants back for a ready eventfd
 */
public final class EventPoll<K> implements AutoCloseable {
    private record Entry<K>(K key, EventFd.Subscription subscription) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition signalled = lock.newCondition();
    private final Map<EventFd, Entry<K>> entries = new LinkedHashMap<>();
    private long generation;

    /** EPOLL_CTL_ADD: EEXIST when the eventfd is already in the set. */
    public void add(EventFd fd, K key) throws GunyahException {
        lock.lock();
        try {
            if (entries.containsKey(fd)) {
                throw GunyahException.of(Errno.EEXIST, "%s is already in this poll set", fd);
            }
            entries.put(fd, new Entry<>(key, null));
        } finally {
            lock.unlock();
        }
        EventFd.Subscription s = fd.subscribe(this::wake);
        lock.lock();
        try {
            Entry<K> e = entries.get(fd);
            if (e == null) {
                s.close();
            } else {
                entries.put(fd, new Entry<>(e.key(), s));
            }
        } finally {
            lock.unlock();
        }
    }

    /** EPOLL_CTL_DEL: ENOENT when the eventfd is not in the set. */
    public void remove(EventFd fd) throws GunyahException {
        Entry<K> e;
        lock.lock();
        try {
            e = entries.remove(fd);
        } finally {
            lock.unlock();
        }
        if (e == null) {
            throw GunyahException.of(Errno.ENOENT, "%s is not in this poll set", fd);
        }
        if (e.subscription() != null) {
            e.subscription().close();
        }
    }

    /**
     * epoll_wait: the keys of the eventfds readable now, waiting up to {@code timeout} for one to
     * become readable; empty on timeout. A signal between the check and the wait is not missed: it
     * bumps a generation the wait compares.
     */
    public List<K> poll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            List<Map.Entry<EventFd, Entry<K>>> snapshot;
            lock.lock();
            try {
                seen = generation;
                snapshot = new ArrayList<>(entries.entrySet());
            } finally {
                lock.unlock();
            }
            List<K> ready = new ArrayList<>();
            for (var e : snapshot) {
                if (e.getKey().isReadable()) {
                    ready.add(e.getValue().key());
                }
            }
            if (!ready.isEmpty()) {
                return ready;
            }
            lock.lock();
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return List.of();
                }
                if (generation == seen) {
                    signalled.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void wake() {
        lock.lock();
        try {
            generation++;
            signalled.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every subscription; the eventfds themselves stay open. */
    @Override
    public void close() {
        List<Entry<K>> all;
        lock.lock();
        try {
            all = new ArrayList<>(entries.values());
            entries.clear();
        } finally {
            lock.unlock();
        }
        all.stream()
                .filter(e -> e.subscription() != null)
                .forEach(e -> e.subscription().close());
    }
}
