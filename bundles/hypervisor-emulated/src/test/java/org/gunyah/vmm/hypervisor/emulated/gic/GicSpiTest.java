package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** SPIs: routing by GICD_IROUTER, and the sources' edge and level inputs. */
class GicSpiTest {
    private final GicDriver d = new GicDriver(3).enableAll().enable(0, 40);

    @Test
    void anSpiGoesToTheVcpuItsIrouterNames() {
        d.route(40, 2);
        d.gic.raiseEdge(40);
        assertFalse(d.ports[0].pending);
        assertTrue(d.ports[2].pending);
        assertEquals(1, d.ports[2].wakes.get());
        assertEquals(40, d.ack(2));
    }

    @Test
    void aDeclaredSpiStartsRoutedToItsTarget() {
        d.gic.declare(40, 1);
        d.gic.raiseEdge(40);
        assertTrue(d.ports[1].pending);
        assertEquals(1, d.gicd(0x6000 + 40 * 8), "IROUTER says so");
    }

    @Test
    void oneOfNRoutingPicksTheFirstVcpuThatTakesTheGroup() {
        d.route(40, 1L << 31);
        d.write(0, GicDriver.IGRPEN1, 0);
        d.gic.raiseEdge(40);
        assertFalse(d.ports[0].pending);
        assertTrue(d.ports[1].pending);
        assertFalse(d.ports[2].pending);
    }

    @Test
    void anSpiRoutedToNoVcpuOfTheVmIsNotSignalled() {
        d.route(40, 7);
        d.gic.raiseEdge(40);
        for (GicDriver.Port p : d.ports) {
            assertFalse(p.pending);
        }
        d.route(40, 0);
        assertTrue(d.ports[0].pending, "rerouted, it arrives");
    }

    @Test
    void anEdgeDuringHandlingIsDeliveredAfterTheEoi() {
        d.gic.raiseEdge(40);
        assertEquals(40, d.ack(0));
        d.gic.raiseEdge(40);
        assertEquals(Gicv3.SPURIOUS, d.ack(0));
        d.eoi(0, 40);
        assertEquals(40, d.ack(0));
    }

    @Test
    void aLevelSourceResamplesItsLineAtDeactivation() {
        AtomicBoolean stillAsserted = new AtomicBoolean(true);
        d.gic.configureLevel(40, id -> stillAsserted.get());
        d.gic.setLevel(40, true);
        assertEquals(40, d.ack(0));
        d.eoi(0, 40);
        assertEquals(40, d.ack(0), "the source still asserts it");
        stillAsserted.set(false);
        d.eoi(0, 40);
        assertEquals(Gicv3.SPURIOUS, d.ack(0));
    }

    @Test
    void aLevelSourceOnAnEdgeConfiguredSpiFiresAgainWhileAsserted() {
        d.gicd(0xc08, 2L << 16); // ICFGR2: INTID 40 edge
        d.gic.configureLevel(40, id -> true);
        d.gic.setLevel(40, true);
        assertEquals(40, d.ack(0));
        d.eoi(0, 40);
        assertEquals(40, d.ack(0));
    }

    @Test
    void aLevelSpiIsPendingOnlyWhileItsLineIsHigh() {
        d.gic.setLevel(40, true);
        assertTrue(d.ports[0].pending);
        d.gic.setLevel(40, false);
        assertFalse(d.ports[0].pending);
        assertEquals(0, d.gicd(0x204), "GICD_ISPENDR1");
    }
}
