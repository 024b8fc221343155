package org.gunyah.vmm.hypervisor.kvm.eventfd;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;

/**
 * An {@link EventFd} that is a Linux eventfd(2), so that KVM can signal it (ioeventfd) and watch
 * it (irqfd) inside the kernel. The kernel fd is always non-blocking; blocking reads and writes
 * wait in poll(2), which lets {@link #close()} wake them (a thread blocked in read(2) would not
 * notice a close). Listeners run on the {@link EventFdPoller}'s thread, not the signalling one.
 * Reads and writes count themselves in and out without a lock ({@link #enter}); signal, isReadable,
 * subscribe and the start of close hold this object's monitor, so none of them uses the kernel fd
 * once close has begun.
 */
public final class KernelEventFd implements EventFd {
    private static final Logger LOG = System.getLogger(KernelEventFd.class.getName());
    private static final long ALL_ONES = -1L;
    /** How long {@link #close()} waits for blocked readers and writers to leave. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    /** Per-thread buffers: the hot paths allocate nothing. */
    private static final class Scratch {
        final MemorySegment capture = Libc.newCapture();
        final MemorySegment value;
        final MemorySegment pollfd;

        Scratch() {
            Arena arena = Arena.ofAuto();
            value = arena.allocate(JAVA_LONG);
            pollfd = arena.allocate(8, 4);
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int number;
    private final int flags;
    private final Fd kernel;
    private final EventFdPoller poller;
    /** Threads inside a blocking call (see {@link #enter}). */
    private final AtomicInteger users = new AtomicInteger();
    /** Taken only when closing: {@code usersLeft} is what {@link #close} waits for. */
    private final ReentrantLock usersLock = new ReentrantLock();

    private final Condition usersLeft = usersLock.newCondition();
    /** Close gave up waiting: the last user to leave closes the kernel fd. Under usersLock. */
    private boolean abandoned;

    private volatile boolean closed;
    /** The last blocking read had to wait: the next one starts in poll(2), saving a read that fails. */
    private volatile boolean drained;

    private KernelEventFd(int number, int flags, Fd kernel, EventFdPoller poller) {
        this.number = number;
        this.flags = flags;
        this.kernel = kernel;
        this.poller = poller;
    }

    /** eventfd(2) with our flags; the caller has checked them and the initial value. */
    public static KernelEventFd create(int number, long initval, int flags, EventFdPoller poller)
            throws GunyahException {
        int kernelFlags = Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC | ((flags & SEMAPHORE) != 0 ? Libc.EFD_SEMAPHORE : 0);
        return new KernelEventFd(number, flags, Fd.eventfd((int) initval, kernelFlags), poller);
    }

    /** The kernel's fd, for KVM_IRQFD and KVM_IOEVENTFD. Valid until {@link #close()}. */
    public int kernelFd() {
        return kernel.value();
    }

    /**
     * A duplicate of the kernel fd for a binding that must be undone after the caller closed this
     * eventfd (the caller closes the duplicate when done); EBADF once closed.
     */
    public Fd duplicateKernelFd() throws GunyahException {
        enter();
        try {
            return kernel.duplicate();
        } finally {
            leave();
        }
    }

    @Override
    public int fd() {
        return number;
    }

    @Override
    public int flags() {
        return flags;
    }

    @Override
    public void write(long value) throws GunyahException {
        if (value == ALL_ONES) {
            throw GunyahException.of(Errno.EINVAL, "eventfd %d: 0xffffffffffffffff cannot be written", number);
        }
        enter();
        try {
            Scratch s = SCRATCH.get();
            s.value.set(JAVA_LONG, 0, value);
            while (Libc.write(s.capture, kernel.value(), s.value) < 0) {
                int err = Libc.errno(s.capture);
                if (err != Libc.EAGAIN || (flags & NONBLOCK) != 0) {
                    throw Libc.error(err, "eventfd " + number + ": write");
                }
                await(s, Libc.POLLOUT, -1);
            }
        } finally {
            leave();
        }
    }

    @Override
    public long read() throws GunyahException {
        return read(-1).orElseThrow();
    }

    @Override
    public OptionalLong read(Duration timeout) throws GunyahException {
        long millis = Math.min(Integer.MAX_VALUE, Math.max(0, (timeout.toNanos() + 999_999) / 1_000_000));
        return read((int) millis);
    }

    private OptionalLong read(int timeoutMillis) throws GunyahException {
        enter();
        try {
            Scratch s = SCRATCH.get();
            long deadline = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
            if (timeoutMillis < 0 && drained && (flags & NONBLOCK) == 0) {
                await(s, Libc.POLLIN, -1);
            }
            boolean waited = false;
            while (Libc.read(s.capture, kernel.value(), s.value) < 0) {
                int err = Libc.errno(s.capture);
                if (err != Libc.EAGAIN) {
                    throw Libc.error(err, "eventfd " + number + ": read");
                }
                if (timeoutMillis < 0) {
                    if ((flags & NONBLOCK) != 0) {
                        throw GunyahException.of(Errno.EAGAIN, "eventfd %d: nothing to read", number);
                    }
                    await(s, Libc.POLLIN, -1);
                    waited = true;
                } else {
                    long left = (deadline - System.nanoTime() + 999_999) / 1_000_000;
                    if (!await(s, Libc.POLLIN, (int) Math.max(0, left)) && left <= 0) {
                        return OptionalLong.empty();
                    }
                }
            }
            if (closed) {
                throw closedError();
            }
            if (timeoutMillis < 0) {
                drained = waited;
            }
            return OptionalLong.of(s.value.get(JAVA_LONG, 0));
        } finally {
            leave();
        }
    }

    /** Waits in poll(2) for {@code events}; EBADF once closed. True when the fd became ready. */
    private boolean await(Scratch s, short events, int timeoutMillis) throws GunyahException {
        s.pollfd.set(JAVA_INT, 0, kernel.value());
        s.pollfd.set(JAVA_SHORT, 4, events);
        s.pollfd.set(JAVA_SHORT, 6, (short) 0);
        int n = Libc.poll(s.capture, s.pollfd, timeoutMillis);
        if (closed) {
            throw closedError();
        }
        if (n < 0 && Libc.errno(s.capture) != Libc.EINTR) {
            throw Libc.error(Libc.errno(s.capture), "eventfd " + number + ": poll");
        }
        return n > 0;
    }

    @Override
    public void signal(long n) {
        if (n == 0 || closed) {
            return;
        }
        Scratch s = SCRATCH.get();
        synchronized (this) {
            if (closed) {
                return;
            }
            long left = Long.compareUnsigned(n, MAX) > 0 ? MAX : n;
            s.value.set(JAVA_LONG, 0, left);
            if (Libc.write(s.capture, kernel.value(), s.value) >= 0) {
                return;
            }
            // eventfd_signal saturates; write(2) refuses what does not fit: add what does, in halves
            for (long chunk = Long.highestOneBit(left); chunk != 0 && left != 0; chunk >>>= 1) {
                if (Long.compareUnsigned(chunk, left) <= 0) {
                    s.value.set(JAVA_LONG, 0, chunk);
                    if (Libc.write(s.capture, kernel.value(), s.value) >= 0) {
                        left -= chunk;
                    }
                }
            }
        }
    }

    @Override
    public boolean isReadable() {
        if (closed) {
            return true;
        }
        Scratch s = SCRATCH.get();
        synchronized (this) {
            if (closed) {
                return true;
            }
            s.pollfd.set(JAVA_INT, 0, kernel.value());
            s.pollfd.set(JAVA_SHORT, 4, Libc.POLLIN);
            s.pollfd.set(JAVA_SHORT, 6, (short) 0);
            return Libc.poll(s.capture, s.pollfd, 0) > 0;
        }
    }

    @Override
    public Subscription subscribe(Runnable listener) {
        synchronized (this) {
            if (closed) {
                return () -> {};
            }
            return poller.watch(kernel.value(), listener, this::isReadable);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Wakes every blocked reader and writer (a write makes it readable, a read makes room), waits
     * for them to leave with EBADF, ends the subscriptions, and only then closes the kernel fd, so
     * no thread ever touches a number the kernel may have reused. The wait is bounded by
     * {@link #CLOSE_WAIT} and ends early if this thread is interrupted (the interrupt is kept); a
     * user still inside then closes the kernel fd itself when it leaves.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // from here on signal, isReadable and subscribe see closed and leave the kernel fd alone
        Scratch s = SCRATCH.get();
        s.value.set(JAVA_LONG, 0, 1L);
        Libc.write(s.capture, kernel.value(), s.value);
        Libc.read(s.capture, kernel.value(), s.value);
        s.value.set(JAVA_LONG, 0, 1L);
        Libc.write(s.capture, kernel.value(), s.value);
        boolean usersGone = awaitUsersLeft();
        poller.forget(kernel.value());
        if (usersGone) {
            kernel.close();
        }
    }

    /**
     * Waits, bounded, until no blocking call is inside; false when one still is, and will close
     * the kernel fd as it leaves.
     */
    private boolean awaitUsersLeft() {
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        usersLock.lock();
        try {
            while (users.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.log(
                            Level.WARNING,
                            "eventfd {0}: a read or write is still inside after {1}; it closes the kernel fd as it"
                                    + " leaves",
                            number,
                            CLOSE_WAIT);
                    abandoned = true;
                    return false;
                }
                try {
                    usersLeft.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abandoned = true;
                    return false;
                }
            }
            return true;
        } finally {
            usersLock.unlock();
        }
    }

    /**
     * A blocking call begins: the kernel fd stays open until it leaves. No lock here: this is on
     * every read and write, and the atomic counter with the volatile {@code closed} is enough (a
     * caller either sees {@code closed} or is counted before {@link #close} looks at the count).
     */
    void enter() throws GunyahException {
        users.incrementAndGet();
        if (closed) {
            leave();
            throw closedError();
        }
    }

    /** A blocking call ends; the lock is taken only by the last one out of a closed eventfd. */
    void leave() {
        if (users.decrementAndGet() == 0 && closed) {
            usersLock.lock();
            try {
                usersLeft.signalAll();
                if (abandoned) {
                    kernel.close();
                }
            } finally {
                usersLock.unlock();
            }
        }
    }

    private GunyahException closedError() {
        return GunyahException.of(Errno.EBADF, "eventfd %d is closed", number);
    }

    @Override
    public String toString() {
        return "eventfd " + number + " (kernel " + kernel + ")";
    }
}
