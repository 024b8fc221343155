package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SGIs through ICC_SGI1R_EL1: target lists, the range selector, IRM broadcast. */
class GicSgiTest {
    private static long sgi1r(int intid, int targetList) {
        return (long) intid << 24 | targetList;
    }

    private static GicDriver withSgiEnabled(int cpus, int intid) {
        GicDriver d = new GicDriver(cpus).enableAll();
        for (int c = 0; c < cpus; c++) {
            d.enable(c, intid);
        }
        return d;
    }

    @Test
    void anSgiReachesExactlyTheVcpusOfItsTargetList() {
        GicDriver d = withSgiEnabled(4, 3);
        d.write(0, GicDriver.SGI1R, sgi1r(3, 0b0110));
        assertFalse(d.ports[0].pending);
        assertTrue(d.ports[1].pending);
        assertTrue(d.ports[2].pending);
        assertFalse(d.ports[3].pending);
        assertEquals(1, d.ports[1].wakes.get(), "the target is woken");
        assertEquals(3, d.ack(1));
        assertEquals(3, d.ack(2));
        assertEquals(Gicv3.SPURIOUS, d.ack(3));
    }

    @Test
    void irmSendsToEveryVcpuButTheSender() {
        GicDriver d = withSgiEnabled(3, 1);
        d.write(1, GicDriver.SGI1R, sgi1r(1, 0) | 1L << 40);
        assertEquals(1, d.ack(0));
        assertEquals(Gicv3.SPURIOUS, d.ack(1));
        assertEquals(1, d.ack(2));
    }

    @Test
    void theRangeSelectorReachesVcpusAboveFifteen() {
        GicDriver d = withSgiEnabled(20, 0);
        d.write(0, GicDriver.SGI1R, sgi1r(0, 0b100) | 1L << 44);
        assertTrue(d.ports[18].pending);
        assertFalse(d.ports[2].pending);
    }

    @Test
    void aTargetListNamingAnotherClusterReachesNoVcpu() {
        GicDriver d = withSgiEnabled(2, 0);
        d.write(0, GicDriver.SGI1R, sgi1r(0, 0b10) | 1L << 16);
        assertFalse(d.ports[1].pending, "Aff1 = 1: no such vCPU");
    }

    @Test
    void sgisAreBankedSoEachVcpuEndsItsOwn() {
        GicDriver d = withSgiEnabled(2, 7);
        d.write(0, GicDriver.SGI1R, sgi1r(7, 0b11));
        assertEquals(7, d.ack(0));
        d.eoi(0, 7);
        assertEquals(1L << 7, d.gicr(1, GicDriver.SGI_BASE + 0x200), "vCPU 1's SGI 7 is still pending");
        assertEquals(7, d.ack(1));
    }
}
