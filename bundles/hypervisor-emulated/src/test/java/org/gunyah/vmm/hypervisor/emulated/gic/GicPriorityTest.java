package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which interrupt a vCPU is given, and when: priorities, the mask, preemption, EOI modes. */
class GicPriorityTest {
    private final GicDriver d = new GicDriver(1).enableAll();

    private void spi(int intid, int priority) {
        d.enable(0, intid).priority(0, intid, priority);
    }

    private void pend(int intid) {
        d.gic.raiseEdge(intid);
    }

    @Test
    void theHighestPriorityPendingInterruptIsTakenFirstAndTiesGoToTheLowerIntid() {
        spi(40, 0x80);
        spi(41, 0x40);
        spi(42, 0x40);
        pend(40);
        pend(42);
        pend(41);
        assertEquals(41, d.ack(0));
        d.eoi(0, 41);
        assertEquals(42, d.ack(0));
        d.eoi(0, 42);
        assertEquals(40, d.ack(0));
    }

    @Test
    void anInterruptNotAboveThePriorityMaskIsNeitherSignalledNorAcknowledged() {
        spi(40, 0x80);
        d.write(0, GicDriver.PMR, 0x80);
        pend(40);
        assertFalse(d.ports[0].pending);
        assertEquals(Gicv3.SPURIOUS, d.ack(0));
        assertEquals(40, d.read(0, GicDriver.HPPIR1), "it is still the highest pending one");
        d.write(0, GicDriver.PMR, 0x88);
        assertTrue(d.ports[0].pending, "raising the mask signals it");
        assertEquals(40, d.ack(0));
    }

    @Test
    void aHigherPriorityInterruptPreemptsTheActiveOneAndAnEqualOneWaits() {
        spi(40, 0x80);
        spi(41, 0x80);
        spi(42, 0x40);
        pend(40);
        assertEquals(40, d.ack(0));
        pend(41);
        assertFalse(d.ports[0].pending, "same priority: no preemption");
        assertEquals(Gicv3.SPURIOUS, d.ack(0));
        pend(42);
        assertTrue(d.ports[0].pending);
        assertEquals(42, d.ack(0), "nested");
        d.eoi(0, 42);
        d.eoi(0, 40);
        assertEquals(41, d.ack(0), "after both ended");
    }

    @Test
    void theBinaryPointKeepsSubprioritiesFromPreempting() {
        d.write(0, GicDriver.BPR1, 5); // group priority is bits [7:5]
        spi(40, 0x80);
        spi(41, 0x90);
        spi(42, 0x60);
        pend(40);
        assertEquals(40, d.ack(0));
        pend(41);
        assertEquals(Gicv3.SPURIOUS, d.ack(0), "0x90 is in group priority 0x80: no preemption");
        spi(41, 0xa0);
        pend(42);
        assertEquals(42, d.ack(0), "0x60 is a higher group priority");
    }

    @Test
    void theRunningPriorityFollowsAcknowledgeAndPriorityDrop() {
        spi(40, 0x48);
        assertEquals(0xff, d.read(0, GicDriver.RPR), "idle");
        pend(40);
        d.ack(0);
        assertEquals(0x48, d.read(0, GicDriver.RPR));
        assertEquals(1L << (0x48 >> 3), d.read(0, GicDriver.AP1R0), "its active priority bit");
        d.eoi(0, 40);
        assertEquals(0xff, d.read(0, GicDriver.RPR));
        assertEquals(0, d.read(0, GicDriver.AP1R0));
    }

    @Test
    void inEoiModeZeroTheEoiAlsoDeactivates() {
        spi(40, 0);
        pend(40);
        d.ack(0);
        assertEquals(1L << 8, d.gicd(0x304), "active");
        pend(40);
        assertEquals(Gicv3.SPURIOUS, d.ack(0), "active and pending: not taken again");
        d.eoi(0, 40);
        assertEquals(0, d.gicd(0x304));
        assertEquals(40, d.ack(0));
    }

    @Test
    void inEoiModeOneTheEoiDropsPriorityAndDirDeactivates() {
        d.write(0, GicDriver.CTLR, 2);
        spi(40, 0);
        spi(41, 0x10);
        pend(40);
        d.ack(0);
        d.eoi(0, 40);
        assertEquals(0xff, d.read(0, GicDriver.RPR), "priority dropped");
        assertEquals(1L << 8, d.gicd(0x304), "still active");
        pend(40);
        pend(41);
        assertEquals(41, d.ack(0), "a lower priority one runs: 40 is still active");
        d.eoi(0, 41);
        d.write(0, GicDriver.DIR, 40);
        assertEquals(1L << 9, d.gicd(0x304), "40 deactivated, 41 not yet");
        assertEquals(40, d.ack(0));
    }

    @Test
    void aDisabledInterruptOrGroupIsNotSignalled() {
        spi(40, 0);
        d.gicd(0x184, 1L << 8);
        pend(40);
        assertFalse(d.ports[0].pending, "disabled at the distributor");
        d.enable(0, 40);
        assertTrue(d.ports[0].pending);
        d.write(0, GicDriver.IGRPEN1, 0);
        assertFalse(d.ports[0].pending, "group 1 disabled at the CPU interface");
        d.write(0, GicDriver.IGRPEN1, 1);
        d.gicd(0x0, 0x10);
        assertFalse(d.ports[0].pending, "group 1 disabled at the distributor");
        d.gicd(0x0, 0x12);
        assertEquals(40, d.ack(0));
    }

    @Test
    void aGroupZeroInterruptIsNotAnIrqButIar0TakesIt() {
        spi(40, 0);
        d.gicd(0x84, ~(1L << 8));
        d.gicd(0x0, 0x13);
        d.write(0, GicDriver.IGRPEN0, 1);
        pend(40);
        assertFalse(d.ports[0].pending, "group 0 would be an FIQ");
        assertEquals(Gicv3.SPURIOUS, d.ack(0), "not through IAR1");
        assertEquals(40, d.read(0, GicDriver.IAR0));
        d.write(0, GicDriver.EOIR0, 40);
        assertEquals(0, d.gicd(0x304));
    }
}
