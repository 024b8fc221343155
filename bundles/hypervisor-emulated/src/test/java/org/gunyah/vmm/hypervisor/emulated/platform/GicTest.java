package org.gunyah.vmm.hypervisor.emulated.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GicTest {
    /** What a vCPU sees of the GIC: its pending line and how often it was woken. */
    static final class Port implements Gic.CpuPort {
        volatile boolean pending;
        final AtomicInteger wakes = new AtomicInteger();

        @Override
        public void setInterruptPending(boolean pending) {
            this.pending = pending;
        }

        @Override
        public void wake() {
            wakes.incrementAndGet();
        }
    }

    private final Gic gic = new Gic(2);
    private final Port cpu0 = new Port();
    private final Port cpu1 = new Port();

    @BeforeEach
    void wire() {
        gic.attach(0, cpu0);
        gic.attach(1, cpu1);
        gic.declare(40, 0);
        gic.declare(41, 1);
        gic.declare(33, 0);
    }

    @Test
    void anEdgeMakesTheInterruptPendingOnItsTargetCpuAndWakesIt() {
        gic.raiseEdge(41);
        assertTrue(cpu1.pending);
        assertFalse(cpu0.pending);
        assertEquals(1, cpu1.wakes.get());
    }

    @Test
    void acknowledgeReturnsTheLowestPendingIntidAndClearsThePendingLine() {
        gic.raiseEdge(40);
        gic.raiseEdge(33);
        assertEquals(33, gic.acknowledge(0));
        assertEquals(40, gic.acknowledge(0));
        assertEquals(Gic.SPURIOUS, gic.acknowledge(0));
        assertFalse(cpu0.pending);
    }

    @Test
    void edgesWhilePendingCoalesce() {
        gic.raiseEdge(40);
        gic.raiseEdge(40);
        assertEquals(40, gic.acknowledge(0));
        gic.endOfInterrupt(0, 40);
        assertEquals(Gic.SPURIOUS, gic.acknowledge(0));
    }

    @Test
    void anEdgeDuringHandlingIsDeliveredAgainAfterEoi() {
        gic.raiseEdge(40);
        assertEquals(40, gic.acknowledge(0));
        gic.raiseEdge(40);
        assertEquals(Gic.SPURIOUS, gic.acknowledge(0), "an active interrupt is not taken twice");
        gic.endOfInterrupt(0, 40);
        assertTrue(cpu0.pending);
        assertEquals(40, gic.acknowledge(0));
    }

    @Test
    void aLevelLineStaysPendingUntilTheSourceDropsItAtEoi() {
        AtomicInteger eois = new AtomicInteger();
        gic.configureLevel(40, id -> eois.incrementAndGet() < 2);
        gic.setLevel(40, true);
        assertEquals(40, gic.acknowledge(0));
        gic.endOfInterrupt(0, 40);
        assertTrue(cpu0.pending, "the source still asserts the line after the first EOI");
        assertEquals(40, gic.acknowledge(0));
        gic.endOfInterrupt(0, 40);
        assertFalse(cpu0.pending);
        assertEquals(2, eois.get());
    }

    @Test
    void anEoiFromAnotherCpuOrForAnInactiveInterruptIsIgnored() {
        gic.raiseEdge(40);
        assertEquals(40, gic.acknowledge(0));
        gic.endOfInterrupt(1, 40);
        gic.endOfInterrupt(0, 1023);
        gic.raiseEdge(40);
        assertEquals(Gic.SPURIOUS, gic.acknowledge(0), "still active: the foreign EOI did nothing");
    }

    @Test
    void declaringAnSpiTwiceOrOutOfRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> gic.declare(40, 1));
        assertThrows(IllegalArgumentException.class, () -> gic.declare(31, 0));
        assertThrows(IllegalArgumentException.class, () -> gic.declare(1020, 0));
        assertThrows(IllegalArgumentException.class, () -> gic.declare(50, 2));
    }
}
