package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeferredStartTest {
    private final AtomicInteger starts = new AtomicInteger();
    private final DeferredStart start = new DeferredStart(starts::incrementAndGet);

    @Test
    void nothingStartsWhileTheConsoleShowsItsFirstPrompt() {
        start.prompt("g! "); // after the start-up script

        assertEquals(0, starts.get());
    }

    @Test
    void itStartsOnceTheConsoleHasAnsweredItsFirstCommand() {
        start.prompt("g! ");
        start.prompt(null); // the first line runs
        start.prompt("g! ");

        assertEquals(1, starts.get());
    }

    @Test
    void itStartsOnlyOnce() {
        for (int i = 0; i < 5; i++) {
            start.prompt("g! ");
            start.prompt(null);
        }
        start.start();

        assertEquals(1, starts.get());
    }

    @Test
    void itStartsAfterTheDelayWhenNothingIsTyped() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        DeferredStart waiting = new DeferredStart(started::countDown);
        waiting.prompt("g! ");

        waiting.consoleStarted(Duration.ofMillis(10));

        assertTrue(started.await(10, TimeUnit.SECONDS));
    }
}
