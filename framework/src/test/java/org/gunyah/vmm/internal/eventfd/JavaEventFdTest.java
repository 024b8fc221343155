package org.gunyah.vmm.internal.eventfd;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

/** eventfd(2)'s rules, one per test. */
class JavaEventFdTest {

    static Errno errnoOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(5, TimeUnit.SECONDS);
            throw new AssertionError("completed normally");
        } catch (ExecutionException e) {
            return ((GunyahException) e.getCause()).errno();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("still blocked");
        }
    }

    @Test
    void readReturnsTheCounterAndResetsIt() throws GunyahException {
        EventFd e = new JavaEventFd(3, 2, EventFd.NONBLOCK);
        e.write(5);
        assertEquals(7, e.read());
        assertErrno(Errno.EAGAIN, e::read);
    }

    @Test
    void semaphoreModeReadsOneAtATime() throws GunyahException {
        EventFd e = new JavaEventFd(3, 2, EventFd.SEMAPHORE | EventFd.NONBLOCK);
        assertEquals(1, e.read());
        assertEquals(1, e.read());
        assertErrno(Errno.EAGAIN, e::read);
    }

    @Test
    void writingAllOnesIsEinval() {
        assertErrno(Errno.EINVAL, () -> new JavaEventFd(3, 0, 0).write(-1L));
    }

    @Test
    void aWriteThatWouldPassTheMaximumIsEagainWhenNonBlocking() throws GunyahException {
        EventFd e = new JavaEventFd(3, 0, EventFd.NONBLOCK);
        e.write(EventFd.MAX);
        assertErrno(Errno.EAGAIN, () -> e.write(1));
        assertEquals(EventFd.MAX, e.read());
    }

    @Test
    void aBlockedWriterResumesAfterARead() throws Exception {
        EventFd e = new JavaEventFd(3, 0, 0);
        e.write(EventFd.MAX - 1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                e.write(5);
            } catch (GunyahException x) {
                throw new RuntimeException(x);
            }
        });
        assertEquals(EventFd.MAX - 1, e.read());
        writer.get(5, TimeUnit.SECONDS);
        assertEquals(5, e.read());
    }

    @Test
    void aBlockedReaderWakesOnAWriteAndOnClose() throws Exception {
        EventFd e = new JavaEventFd(3, 0, 0);
        CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return e.read();
            } catch (GunyahException x) {
                throw new java.util.concurrent.CompletionException(x);
            }
        });
        e.write(9);
        assertEquals(9, reader.get(5, TimeUnit.SECONDS));
        CompletableFuture<Long> second = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                second.complete(e.read());
            } catch (GunyahException x) {
                second.completeExceptionally(x);
            }
        });
        e.close();
        assertEquals(Errno.EBADF, errnoOf(second));
        assertErrno(Errno.EBADF, () -> e.write(1));
    }

    @Test
    void signalSaturatesAndNeverBlocks() throws GunyahException {
        EventFd e = new JavaEventFd(3, 0, 0);
        e.write(EventFd.MAX - 1);
        e.signal(10);
        assertEquals(EventFd.MAX, e.read());
    }

    @Test
    void aTimedReadGivesUpEmpty() throws GunyahException {
        assertEquals(OptionalLong.empty(), new JavaEventFd(3, 0, 0).read(Duration.ofMillis(20)));
    }

    @Test
    void listenersRunPerWriteAndOnceAtSubscribeWhenAlreadySignalled() throws GunyahException {
        EventFd e = new JavaEventFd(3, 1, 0);
        AtomicInteger calls = new AtomicInteger();
        EventFd.Subscription s = e.subscribe(calls::incrementAndGet);
        assertEquals(1, calls.get(), "pending at subscribe: latched");
        e.write(1);
        e.signal(1);
        assertEquals(3, calls.get());
        s.close();
        e.write(1);
        assertEquals(3, calls.get());
    }

    @Test
    void aFailingListenerDoesNotBreakTheWriter() throws GunyahException {
        EventFd e = new JavaEventFd(3, 0, 0);
        e.subscribe(() -> {
            throw new IllegalStateException("listener bug");
        });
        e.write(1);
        assertEquals(1, e.read());
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        EventFd e = new JavaEventFd(3, 0, 0);
        int writers = 4;
        int writes = 100_000;
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < writes; i++) {
                        e.write(1);
                    }
                } catch (GunyahException x) {
                    throw new AssertionError(x);
                } finally {
                    done.countDown();
                }
            });
        }
        AtomicLong total = new AtomicLong();
        while (total.get() < (long) writers * writes) {
            total.addAndGet(e.read(Duration.ofSeconds(5)).orElseThrow());
        }
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals((long) writers * writes, total.get());
        assertFalse(e.read(Duration.ZERO).isPresent());
    }

    @Test
    void theFdTableHandsOutNumbersAndForgetsClosedOnes() throws GunyahException {
        FdTable table = new FdTable();
        EventFd a = table.create(0, 0);
        EventFd b = table.create(0, EventFd.SEMAPHORE);
        assertTrue(b.fd() > a.fd());
        assertEquals(a, table.lookup(a.fd()));
        a.close();
        assertErrno(Errno.EBADF, () -> table.lookup(a.fd()));
        assertErrno(Errno.EINVAL, () -> table.create(0, 0x8));
        assertErrno(Errno.EINVAL, () -> table.create(1L << 32, 0));
        assertEquals(1, table.openCount());
    }

    @Test
    void closingASubscriptionWaitsForTheCallInProgress() throws Exception {
        EventFd e = new JavaEventFd(3, 0, EventFd.NONBLOCK);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        EventFd.Subscription s = e.subscribe(() -> {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            finished.set(true);
        });
        Thread signaller = Thread.ofPlatform().start(() -> e.signal(1));
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        CompletableFuture<Boolean> finishedWhenClosed = new CompletableFuture<>();
        Thread closer = Thread.ofPlatform().start(() -> {
            s.close();
            finishedWhenClosed.complete(finished.get());
        });

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (closer.getState() != Thread.State.TIMED_WAITING && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        assertEquals(Thread.State.TIMED_WAITING, closer.getState(), "close returned without waiting for the listener");
        release.countDown();

        assertTrue(finishedWhenClosed.get(10, TimeUnit.SECONDS));
        signaller.join();
    }

    @Test
    void aListenerMayCloseItsOwnSubscription() throws Exception {
        EventFd e = new JavaEventFd(3, 0, EventFd.NONBLOCK);
        java.util.concurrent.atomic.AtomicReference<EventFd.Subscription> self =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        self.set(e.subscribe(() -> {
            calls.incrementAndGet();
            self.get().close();
        }));

        e.signal(1);
        e.signal(1);

        assertEquals(1, calls.get());
    }
}
