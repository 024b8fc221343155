package org.gunyah.vmm.hypervisor.kvm.eventfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** eventfd(2) semantics of the kernel-backed EventFd, as the EventFd contract states them. */
class KernelEventFdTest {
    private final EventFdPoller poller;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    KernelEventFdTest() throws GunyahException {
        poller = new EventFdPoller();
    }

    @AfterEach
    void close() throws InterruptedException {
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        poller.close();
    }

    private KernelEventFd create(long initval, int flags) throws GunyahException {
        return KernelEventFd.create(7, initval, flags, poller);
    }

    @Test
    void writesAddUpAndAReadTakesTheSumAndResetsIt() throws Exception {
        try (KernelEventFd e = create(2, EventFd.NONBLOCK)) {
            e.write(3);
            e.signal(5);
            assertEquals(10, e.read());
            assertThrows(GunyahException.class, e::read);
        }
    }

    @Test
    void aSemaphoreReadTakesOneAtATime() throws Exception {
        try (KernelEventFd e = create(2, EventFd.SEMAPHORE | EventFd.NONBLOCK)) {
            assertEquals(1, e.read());
            assertEquals(1, e.read());
            assertEquals(
                    Errno.EAGAIN, assertThrows(GunyahException.class, e::read).errno());
        }
    }

    @Test
    void writingAllOnesIsInvalid() throws Exception {
        try (KernelEventFd e = create(0, 0)) {
            assertEquals(
                    Errno.EINVAL,
                    assertThrows(GunyahException.class, () -> e.write(-1L)).errno());
        }
    }

    @Test
    void aWriteThatWouldOverflowIsRefusedWhenNonBlocking() throws Exception {
        try (KernelEventFd e = create(0, EventFd.NONBLOCK)) {
            e.write(EventFd.MAX);
            assertEquals(
                    Errno.EAGAIN,
                    assertThrows(GunyahException.class, () -> e.write(1)).errno());
        }
    }

    @Test
    void aSignalSaturatesInsteadOfBlocking() throws Exception {
        try (KernelEventFd e = create(0, 0)) {
            e.write(EventFd.MAX - 3);
            e.signal(10);
            assertEquals(EventFd.MAX, e.read());
        }
    }

    @Test
    void aBlockingReadWaitsForAWrite() throws Exception {
        try (KernelEventFd e = create(0, 0)) {
            Future<Long> reader = threads.submit(() -> e.read());
            assertThrows(java.util.concurrent.TimeoutException.class, () -> reader.get(100, TimeUnit.MILLISECONDS));
            e.write(4);
            assertEquals(4, reader.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTimedReadGivesUpEmpty() throws Exception {
        try (KernelEventFd e = create(0, 0)) {
            assertEquals(OptionalLong.empty(), e.read(Duration.ofMillis(20)));
            assertEquals(OptionalLong.empty(), e.read(Duration.ZERO));
            e.write(1);
            assertEquals(OptionalLong.of(1), e.read(Duration.ZERO));
        }
    }

    @Test
    void closingWakesABlockedReaderWithEbadf() throws Exception {
        KernelEventFd e = create(0, 0);
        CountDownLatch started = new CountDownLatch(1);
        Future<Errno> reader = threads.submit(() -> {
            started.countDown();
            try {
                e.read();
                return null;
            } catch (GunyahException x) {
                return x.errno();
            }
        });
        started.await();
        e.close();
        assertEquals(Errno.EBADF, reader.get(5, TimeUnit.SECONDS));
        assertTrue(e.isClosed());
        assertEquals(
                Errno.EBADF,
                assertThrows(GunyahException.class, () -> e.write(1)).errno());
    }

    @Test
    void closingWakesABlockedWriterWithEbadf() throws Exception {
        KernelEventFd e = create(0, 0);
        e.write(EventFd.MAX);
        Future<Errno> writer = threads.submit(() -> {
            try {
                e.write(1);
                return null;
            } catch (GunyahException x) {
                return x.errno();
            }
        });
        assertThrows(java.util.concurrent.TimeoutException.class, () -> writer.get(100, TimeUnit.MILLISECONDS));
        e.close();
        assertEquals(Errno.EBADF, writer.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aSubscriberHearsEveryWriteAndOnceAtOnceWhenAlreadyReadable() throws Exception {
        try (KernelEventFd e = create(1, 0)) {
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch three = new CountDownLatch(3);
            EventFd.Subscription s = e.subscribe(() -> {
                calls.incrementAndGet();
                three.countDown();
            });
            waitFor(() -> calls.get() == 1);
            e.write(1);
            waitFor(() -> calls.get() == 2);
            e.signal(1);
            assertTrue(three.await(5, TimeUnit.SECONDS));
            s.close();
            e.write(1);
            assertEquals(3, calls.get(), "nothing after the subscription closed");
        }
    }

    @Test
    void aSecondSubscriberOfAReadableEventFdIsCalledOnceAtOnceToo() throws Exception {
        try (KernelEventFd e = create(1, 0)) {
            AtomicInteger first = new AtomicInteger();
            AtomicInteger second = new AtomicInteger();
            e.subscribe(first::incrementAndGet);
            waitFor(() -> first.get() == 1);
            e.subscribe(second::incrementAndGet);
            assertEquals(1, second.get());
        }
    }

    /** A listener that says it is inside, stays until released, then counts itself finished. */
    private static Runnable heldListener(CountDownLatch inside, CountDownLatch release, AtomicInteger finished) {
        return () -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException x) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        };
    }

    @Test
    void closingASubscriptionWaitsForTheCallInProgress() throws Exception {
        try (KernelEventFd e = create(0, 0)) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            EventFd.Subscription s = e.subscribe(heldListener(inside, release, finished));
            e.write(1);
            assertTrue(inside.await(5, TimeUnit.SECONDS));
            Future<?> closing = threads.submit(s::close);
            assertThrows(java.util.concurrent.TimeoutException.class, () -> closing.get(100, TimeUnit.MILLISECONDS));
            release.countDown();
            closing.get(5, TimeUnit.SECONDS);
            assertEquals(1, finished.get());
        }
    }

    @Test
    void closingASubscriptionGivesUpOnAListenerThatDoesNotReturnInTime() throws Exception {
        Duration retireWait = Duration.ofMillis(200);
        EventFdPoller impatient = new EventFdPoller(retireWait);
        CountDownLatch release = new CountDownLatch(1);
        try (KernelEventFd e = KernelEventFd.create(8, 0, 0, impatient)) {
            CountDownLatch inside = new CountDownLatch(1);
            AtomicInteger finished = new AtomicInteger();
            EventFd.Subscription s = e.subscribe(heldListener(inside, release, finished));
            e.write(1);
            assertTrue(inside.await(5, TimeUnit.SECONDS));
            long start = System.nanoTime();
            s.close();
            long waited = System.nanoTime() - start;
            assertTrue(waited >= retireWait.toNanos(), "waited " + waited + " ns");
            assertTrue(waited < TimeUnit.SECONDS.toNanos(4), "waited " + waited + " ns");
            assertEquals(0, finished.get(), "the listener still runs");
        } finally {
            release.countDown();
            impatient.close();
        }
    }

    @Test
    void aCloseThatStopsWaitingLeavesTheKernelFdToTheLastCallOut() throws Exception {
        KernelEventFd e = create(0, EventFd.NONBLOCK);
        int fd = e.kernelFd();
        e.enter(); // a read or write that is still inside when the closer gives up
        Thread.currentThread().interrupt();
        e.close();
        assertTrue(Thread.interrupted(), "close keeps the interrupt");
        assertTrue(e.isClosed());
        assertTrue(isOpen(fd), "the kernel fd stays open while a call is inside");
        assertEquals(Errno.EBADF, assertThrows(GunyahException.class, e::read).errno());
        e.leave();
        assertFalse(isOpen(fd), "the last call out closes it");
    }

    private static boolean isOpen(int fd) {
        return java.nio.file.Files.exists(
                java.nio.file.Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void isReadableFollowsTheCounter() throws Exception {
        KernelEventFd e = create(0, EventFd.NONBLOCK);
        assertFalse(e.isReadable());
        e.write(1);
        assertTrue(e.isReadable());
        e.read();
        assertFalse(e.isReadable());
        e.close();
        assertTrue(e.isReadable(), "a closed eventfd reads (EBADF) at once");
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.onSpinWait();
        }
    }
}
