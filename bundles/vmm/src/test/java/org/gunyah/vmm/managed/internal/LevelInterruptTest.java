package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A level line through a level irqfd, whose EOI the VMM never hears of. */
class LevelInterruptTest {
    private final AtomicBoolean line = new AtomicBoolean();
    private final AtomicInteger signals = new AtomicInteger();
    private final CountDownLatch resampled = new CountDownLatch(3);
    private final LevelInterrupt irq = new LevelInterrupt("test-irq", line::get, () -> {
        signals.incrementAndGet();
        resampled.countDown();
    });

    @AfterEach
    void close() {
        irq.close();
    }

    @Test
    void aChangeWithTheLineDownSignalsNothing() {
        irq.changed();

        assertEquals(0, signals.get());
    }

    @Test
    void aChangeWithTheLineUpSignalsAtOnce() {
        line.set(true);

        irq.changed();

        assertTrue(signals.get() >= 1);
    }

    @Test
    void aLineThatStaysUpIsSignalledAgainUntilItGoesDown() throws Exception {
        line.set(true);

        irq.changed();

        assertTrue(resampled.await(5, TimeUnit.SECONDS), "signalled again while the line stays up");
    }
}
