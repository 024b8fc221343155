package org.gunyah.vmm.hypervisor.emulated.gic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The distributor's and redistributors' registers as a guest reads and writes them. */
class GicRegistersTest {
    private final GicDriver d = new GicDriver(3);

    @Test
    void theDistributorIdentifiesAsAGicv3WithAffinityRoutingAndOneSecurityState() {
        assertEquals(0x30, d.gicd(0xffe8) & 0xf0, "PIDR2.ArchRev = 3");
        long ctlr = d.gicd(0x0);
        assertEquals(1 << 4, ctlr & (1 << 4), "ARE reads as one");
        assertEquals(1 << 6, ctlr & (1 << 6), "DS reads as one");
        assertEquals(0, ctlr & (1L << 31), "RWP: writes take effect at once");
    }

    @Test
    void theDistributorTyperCountsTheLinesAndHasNoLpis() {
        long typer = d.gicd(0x4);
        assertEquals(Gicv3.linesFor(-1) / 32 - 1, typer & 0x1f, "ITLinesNumber");
        assertEquals(9, typer >>> 19 & 0x1f, "IDbits: INTIDs below 1024");
        assertEquals(0, typer & (1 << 17), "no LPIs");
        assertEquals(0, typer & (1 << 16), "no message-based SPIs");
        assertEquals(0, d.gicd(0xc), "TYPER2");
    }

    @Test
    void theLinesCoverTheHighestDoorbellSpi() {
        assertEquals(128, Gicv3.linesFor(63));
        assertEquals(1024, Gicv3.linesFor(987));
        assertEquals(96 + 32 + 32, Gicv3.linesFor(100 + 27));
    }

    @Test
    void groupOneEnablesAreWhatGicdCtlrKeeps() {
        d.gicd(0x0, 0x13);
        assertEquals(0x13 | 1 << 6, d.gicd(0x0));
        d.gicd(0x0, 0);
        assertEquals(1 << 4 | 1 << 6, d.gicd(0x0));
    }

    @Test
    void enableBitsAreSetThroughIsenablerAndClearedThroughIcenabler() {
        d.gicd(0x104, 0b1010);
        assertEquals(0b1010, d.gicd(0x104));
        assertEquals(0b1010, d.gicd(0x184), "ICENABLER reads the same bits");
        d.gicd(0x184, 0b0010);
        assertEquals(0b1000, d.gicd(0x104));
    }

    @Test
    void pendingAndActiveAreSetAndClearedThroughTheirPairs() {
        d.gicd(0x204, 1);
        d.gicd(0x304, 2);
        assertEquals(1, d.gicd(0x284));
        assertEquals(2, d.gicd(0x384));
        d.gicd(0x284, 1);
        d.gicd(0x384, 2);
        assertEquals(0, d.gicd(0x204));
        assertEquals(0, d.gicd(0x304));
    }

    @Test
    void prioritiesAreByteAccessibleAndKeepFiveBits() {
        d.gic.write(0, GicDriver.GICD + 0x400 + 33, 1, 0xff);
        d.gic.write(0, GicDriver.GICD + 0x400 + 34, 1, 0x41);
        assertEquals(0x40_f8_00L, d.gicd(0x420), "INTIDs 32..35 as one word");
        assertEquals(0xf8, d.gic.read(0, GicDriver.GICD + 0x400 + 33, 1));
    }

    @Test
    void iRouterIsSixtyFourBitsWithAffinityAndIrm() {
        d.route(40, 0x7f_8001_0203L | 0xffL << 56);
        assertEquals(0x7f_8001_0203L, d.gic.read(0, GicDriver.GICD + 0x6000 + 40 * 8, 8), "RES0 bits dropped");
        assertEquals(0x8001_0203L, d.gicd(0x6000 + 40 * 8));
        assertEquals(0x7f, d.gicd(0x6000 + 40 * 8 + 4));
    }

    @Test
    void theDistributorsSgiAndPpiRegistersAreRazWiUnderAffinityRouting() {
        d.gicd(0x100, -1);
        assertEquals(0, d.gicd(0x100));
        assertEquals(0, d.gicr(0, GicDriver.SGI_BASE + 0x100), "the redistributor's were not touched");
    }

    @Test
    void unknownOffsetsReadAsZeroAndIgnoreWrites() {
        d.gicd(0x5000, 0x1234);
        assertEquals(0, d.gicd(0x5000));
        d.gicr(1, 0x9000, 0x1234);
        assertEquals(0, d.gicr(1, 0x9000));
        assertEquals(0, d.gicd(0xe00), "NSACR");
    }

    @Test
    void aRedistributorTyperGivesAffinityProcessorNumberAndLastOnTheLast() {
        for (int c = 0; c < 3; c++) {
            long typer = d.gic.read(c, GicDriver.GICR + c * Gicv3.REDIST_SIZE + 0x8, 8);
            assertEquals(c, typer >>> 32, "Affinity: Aff0 = the vCPU index");
            assertEquals(c, typer >>> 8 & 0xffff, "Processor_Number");
            assertEquals(c == 2, (typer & 1 << 4) != 0, "Last");
            assertEquals(0, typer & 1, "no physical LPIs");
        }
        assertEquals(0x30, d.gicr(2, 0xffe8) & 0xf0, "GICR_PIDR2.ArchRev = 3");
    }

    @Test
    void theWakerHandshakeClearsChildrenAsleepWithProcessorSleep() {
        assertEquals(0b110, d.gicr(1, 0x14), "asleep out of reset");
        d.gicr(1, 0x14, 0);
        assertEquals(0, d.gicr(1, 0x14), "awake: ChildrenAsleep follows at once");
        d.gicr(1, 0x14, 0b010);
        assertEquals(0b110, d.gicr(1, 0x14), "asleep again");
        assertEquals(0b110, d.gicr(0, 0x14), "each redistributor has its own");
    }

    @Test
    void sgisAreEdgeAndReadOnlyPpisConfigurable() {
        assertEquals(0xaaaa_aaaaL, d.gicr(0, GicDriver.SGI_BASE + 0xc00));
        d.gicr(0, GicDriver.SGI_BASE + 0xc00, 0);
        assertEquals(0xaaaa_aaaaL, d.gicr(0, GicDriver.SGI_BASE + 0xc00));
        d.gicr(0, GicDriver.SGI_BASE + 0xc04, 2L << 22);
        assertEquals(2L << 22, d.gicr(0, GicDriver.SGI_BASE + 0xc04), "PPI 27 edge");
    }

    @Test
    void groupModifiersReadAsZeroWithOneSecurityState() {
        d.gicd(0xd04, -1);
        assertEquals(0, d.gicd(0xd04));
        d.gicd(0x84, 0);
        assertEquals(0, d.gicd(0x84), "IGROUPR is writable");
        d.gicd(0x84, -1);
        assertEquals(0xffff_ffffL, d.gicd(0x84));
    }

    @Test
    void theGicClaimsItsFramesOnly() {
        assertTrue(d.gic.claims(GicDriver.GICD, 4));
        assertTrue(d.gic.claims(GicDriver.GICR + 3 * Gicv3.REDIST_SIZE - 4, 4));
        assertFalse(d.gic.claims(GicDriver.GICR + 3 * Gicv3.REDIST_SIZE, 4), "no fourth vCPU");
        assertFalse(d.gic.claims(0x0900_0000L, 4));
    }

    @Test
    void iccRegistersOutsideTheInterfaceAreNoSuchRegister() {
        assertNull(d.gic.cpuInterface(0).read(GicDriver.EOIR1), "EOIR1 is write-only");
        assertFalse(d.gic.cpuInterface(0).write(GicDriver.IAR1, 0), "IAR1 is read-only");
        assertNull(
                d.gic.cpuInterface(0)
                        .read(org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface.key(3, 0, 12, 9, 1)),
                "AP1R1: five priority bits only");
    }

    @Test
    void theCpuInterfaceDescribesItself() {
        assertEquals(0b111, d.read(0, GicDriver.SRE), "system registers only");
        long ctlr = d.read(0, GicDriver.CTLR);
        assertEquals(4, ctlr >>> 8 & 7, "PRIbits: five bits");
        assertEquals(1, ctlr >>> 18 & 1, "RSS");
        d.write(0, GicDriver.PMR, 0x08);
        assertEquals(0x08, d.read(0, GicDriver.PMR), "the lowest implemented priority bit sticks: group 0 is usable");
        d.write(0, GicDriver.BPR1, 0);
        assertEquals(3, d.read(0, GicDriver.BPR1), "the binary point's minimum");
    }
}
