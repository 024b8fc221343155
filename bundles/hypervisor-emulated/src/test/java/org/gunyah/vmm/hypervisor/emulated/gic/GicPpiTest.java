package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** PPIs, as the timers drive them: banked per vCPU, level-sensitive. */
class GicPpiTest {
    static final int VTIMER = 27;
    private final GicDriver d = new GicDriver(2).enableAll().enable(0, VTIMER).enable(1, VTIMER);

    @Test
    void aPpiGoesOnlyToItsOwnVcpu() {
        d.gic.setPpiLevel(1, VTIMER, true);
        assertFalse(d.ports[0].pending);
        assertTrue(d.ports[1].pending);
        assertEquals(Gicv3.SPURIOUS, d.ack(0));
        assertEquals(VTIMER, d.ack(1));
    }

    @Test
    void ppiConfigurationIsBankedPerVcpu() {
        d.gicr(0, GicDriver.SGI_BASE + 0x180, 1L << VTIMER);
        d.priority(1, VTIMER, 0x20);
        assertEquals(0, d.gicr(0, GicDriver.SGI_BASE + 0x100) & 1L << VTIMER, "disabled on vCPU 0");
        assertEquals(1L << VTIMER, d.gicr(1, GicDriver.SGI_BASE + 0x100) & 1L << VTIMER, "enabled on vCPU 1");
        assertEquals(0, d.gic.read(0, GicDriver.GICR + GicDriver.SGI_BASE + 0x400 + VTIMER, 1));
    }

    @Test
    void aLevelPpiIsPendingAgainAfterDeactivationWhileStillAsserted() {
        d.gic.setPpiLevel(0, VTIMER, true);
        assertEquals(VTIMER, d.ack(0));
        d.eoi(0, VTIMER);
        assertEquals(VTIMER, d.ack(0), "the line is still high");
        d.gic.setPpiLevel(0, VTIMER, false);
        d.eoi(0, VTIMER);
        assertEquals(Gicv3.SPURIOUS, d.ack(0), "the line dropped");
        assertFalse(d.ports[0].pending);
    }

    @Test
    void onlyPpisAreLinesOfAVcpu() {
        assertThrows(IllegalArgumentException.class, () -> d.gic.setPpiLevel(0, 3, true));
        assertThrows(IllegalArgumentException.class, () -> d.gic.setPpiLevel(0, 32, true));
    }
}
