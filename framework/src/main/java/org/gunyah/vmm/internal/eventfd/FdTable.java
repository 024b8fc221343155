package org.gunyah.vmm.internal.eventfd;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;

/**
 * The numbers by which function arguments name eventfds (the process fd table). The preferred
 * backend may make the eventfd behind a number (a kernel eventfd for KVM's fast paths). Numbers start at
 * 3, like a process's first free fd, and are never reused, so a stale number cannot reach a newer
 * eventfd.
 */
public final class FdTable {
    private static final int KNOWN_FLAGS = EventFd.SEMAPHORE | EventFd.NONBLOCK | EventFd.CLOEXEC;
    private static final int SWEEP_EVERY = 64;

    private final ConcurrentHashMap<Integer, EventFd> open = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(3);
    private final Maker native_;

    /** Who may make an eventfd instead of this table (the preferred backend); empty lets the table. */
    @FunctionalInterface
    public interface Maker {
        Optional<EventFd> make(int number, long initval, int flags) throws GunyahException;
    }

    /** A table that makes every eventfd itself, in Java. */
    public FdTable() {
        this((number, initval, flags) -> Optional.empty());
    }

    public FdTable(Maker maker) {
        this.native_ = maker;
    }

    /** eventfd(2): EINVAL for unknown flags or an initial value above 0xffffffff; ENOSPC when out of numbers. */
    public EventFd create(long initval, int flags) throws GunyahException {
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw GunyahException.of(Errno.EINVAL, "eventfd: unknown flags 0x%x", flags & ~KNOWN_FLAGS);
        }
        if (initval < 0 || initval > 0xffff_ffffL) {
            throw GunyahException.of(
                    Errno.EINVAL, "eventfd: initial value %s is not an unsigned int", Long.toUnsignedString(initval));
        }
        int fd = next.getAndIncrement();
        if (fd < 0) {
            throw GunyahException.of(Errno.ENOSPC, "eventfd: no fd numbers left");
        }
        if (fd % SWEEP_EVERY == 0) {
            open.values().removeIf(EventFd::isClosed);
        }
        EventFd efd = native_.make(fd, initval, flags).orElseGet(() -> new JavaEventFd(fd, initval, flags));
        open.put(fd, efd);
        return efd;
    }

    /** EBADF when no open eventfd has that number. */
    public EventFd lookup(int fd) throws GunyahException {
        EventFd efd = open.get(fd);
        if (efd == null || efd.isClosed()) {
            if (efd != null) {
                open.remove(fd, efd);
            }
            throw GunyahException.of(Errno.EBADF, "fd %d is not an open eventfd", fd);
        }
        return efd;
    }

    public int openCount() {
        open.values().removeIf(EventFd::isClosed);
        return open.size();
    }
}
