package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A level line through a resampled level irqfd: the resample eventfd is the guest's EOI. */
class LevelInterruptTest {
    private final VmManagerCore manager = new VmManagerCore(Duration.ofSeconds(2));
    private final AtomicBoolean line = new AtomicBoolean();
    private final AtomicInteger signals = new AtomicInteger();
    private final EventFd resample;
    private final LevelInterrupt irq;

    LevelInterruptTest() throws GunyahException {
        resample = manager.createEventFd(0, EventFd.NONBLOCK);
        irq = new LevelInterrupt(line::get, signals::incrementAndGet, resample);
    }

    @AfterEach
    void close() {
        irq.close();
        resample.close();
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

        assertEquals(1, signals.get());
    }

    @Test
    void aLineStillUpAtAnAcknowledgementIsSignalledAgain() {
        line.set(true);
        irq.changed();

        resample.signal(1);

        assertEquals(2, signals.get());
    }

    @Test
    void aLineThatWentDownIsNotSignalledAtAnAcknowledgement() {
        line.set(true);
        irq.changed();
        line.set(false);

        resample.signal(1);

        assertEquals(1, signals.get());
    }

    @Test
    void eachAcknowledgementIsDrainedSoTheNextOneIsHeard() {
        line.set(true);

        resample.signal(1);
        resample.signal(1);

        assertEquals(2, signals.get());
        assertFalse(resample.isReadable());
    }

    @Test
    void afterCloseAcknowledgementsAreNoLongerHeard() {
        line.set(true);
        irq.close();

        resample.signal(1);

        assertEquals(0, signals.get());
    }
}
