package org.gunyah.vmm.api;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * eventfd(2): a 64-bit counter. Writes add to it, reads return it and reset it to zero (or, in
 * semaphore mode, return 1 and decrement it). The counter never exceeds {@link #MAX}; a write that
 * would pass it blocks, or fails with EAGAIN when the eventfd is non-blocking.
 *
 * <p>Eventfds are created by the VM manager ({@link VmManager#createEventFd}) so that a native
 * backend can hand out a real kernel eventfd; each has a number, its {@link #fd()}, that the
 * irqfd and ioeventfd arguments name.
 */
public interface EventFd extends AutoCloseable {
    /** {@code EFD_SEMAPHORE}. */
    int SEMAPHORE = 1;
    /** {@code EFD_NONBLOCK} (O_NONBLOCK). */
    int NONBLOCK = 04000;
    /** {@code EFD_CLOEXEC} (O_CLOEXEC): accepted and meaningless here. */
    int CLOEXEC = 02000000;

    /** The largest value the counter holds: 0xfffffffffffffffe. */
    long MAX = 0xffff_ffff_ffff_fffeL;

    int fd();

    int flags();

    /**
     * write(2): adds {@code value} (unsigned). EINVAL for 0xffffffffffffffff; EAGAIN if it would
     * overflow and the eventfd is non-blocking (else waits for a read); EBADF once closed.
     */
    void write(long value) throws GunyahException;

    /**
     * read(2): waits for a non-zero counter (EAGAIN at once when non-blocking), then returns it
     * and resets it, or returns 1 and decrements it in semaphore mode. EBADF once closed, also for
     * a reader that was waiting when it closed.
     */
    long read() throws GunyahException;

    /** Like {@link #read()} but gives up after {@code timeout}, returning empty. */
    OptionalLong read(Duration timeout) throws GunyahException;

    /**
     * The in-kernel {@code eventfd_signal}: adds {@code n} without ever blocking, saturating at
     * {@link #MAX}. This is what a handled guest write uses. No effect once closed.
     */
    void signal(long n);

    /** True when a read would not block (the counter is non-zero) or the eventfd is closed. */
    boolean isReadable();

    /**
     * Runs {@code listener} in the signalling thread each time the counter becomes or stays
     * non-zero after a write or signal (the kernel's wait-queue callback), and once if it is
     * already non-zero. The listener must be quick and must not block. Closing the returned
     * subscription stops further calls; closing the eventfd ends every subscription.
     */
    Subscription subscribe(Runnable listener);

    boolean isClosed();

    /** Closes the eventfd: waiting readers and writers get EBADF; listeners are dropped. */
    @Override
    void close();

    /**
     * A registration that can be withdrawn; closing twice is harmless. Closing waits for a call of
     * the listener in progress in another thread to return: afterwards it neither runs nor will.
     */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
