package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog alone: silence for its period fires it once; progress and close hold it off. */
class WatchdogTest {
    private static final Duration PERIOD = Duration.ofMillis(100);

    @Test
    void silenceForThePeriodFiresItOnceWithThePeriod() throws Exception {
        CompletableFuture<Duration> fired = new CompletableFuture<>();
        try (Watchdog w = Watchdog.start("silent", PERIOD, fired::complete)) {
            assertEquals(PERIOD, fired.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void progressPostponesIt() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        long start = System.nanoTime();
        try (Watchdog w = Watchdog.start("busy", PERIOD, p -> fired.countDown())) {
            // progress for three periods: it cannot fire before the last progress plus one period
            long last;
            do {
                w.progress();
                last = System.nanoTime();
            } while (last - start < 3 * PERIOD.toNanos());
            assertTrue(fired.await(5, TimeUnit.SECONDS));
            assertTrue(System.nanoTime() - last >= PERIOD.toNanos());
        }
    }

    @Test
    void closedItNeverFires() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        Watchdog.start("closed", PERIOD, p -> fired.countDown()).close();

        assertFalse(fired.await(3 * PERIOD.toMillis(), TimeUnit.MILLISECONDS));
    }
}
