package org.gunyah.vmm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.internal.eventfd.JavaEventFd;
import org.junit.jupiter.api.Test;

class EventPollTest {
    final EventFd a = new JavaEventFd(3, 0, EventFd.NONBLOCK);
    final EventFd b = new JavaEventFd(4, 0, EventFd.NONBLOCK);
    final EventPoll<String> poll = new EventPoll<>();

    EventPollTest() throws GunyahException {
        poll.add(a, "a");
        poll.add(b, "b");
    }

    @Test
    void reportsTheReadableOnesAndTimesOutEmpty() throws Exception {
        assertEquals(List.of(), poll.poll(Duration.ofMillis(10)));
        b.write(1);
        assertEquals(List.of("b"), poll.poll(Duration.ofSeconds(1)));
        assertEquals(List.of("b"), poll.poll(Duration.ZERO), "level-triggered: still readable");
        b.read();
        assertEquals(List.of(), poll.poll(Duration.ZERO));
    }

    @Test
    void aWaitingPollWakesOnASignal() throws Exception {
        CompletableFuture<List<String>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return poll.poll(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        a.signal(1);
        assertEquals(List.of("a"), waiting.get(5, TimeUnit.SECONDS));
    }

    @Test
    void addingTwiceIsEexistAndRemovingAStrangerIsEnoent() throws GunyahException {
        assertEquals(
                Errno.EEXIST,
                assertThrows(GunyahException.class, () -> poll.add(a, "again")).errno());
        poll.remove(a);
        assertEquals(
                Errno.ENOENT,
                assertThrows(GunyahException.class, () -> poll.remove(a)).errno());
    }

    @Test
    void aRemovedEventfdIsNoLongerReported() throws Exception {
        poll.remove(a);
        a.write(1);
        assertEquals(List.of(), poll.poll(Duration.ZERO));
    }
}
