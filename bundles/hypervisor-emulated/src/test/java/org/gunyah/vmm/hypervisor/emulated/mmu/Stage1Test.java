package org.gunyah.vmm.hypervisor.emulated.mmu;

import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.AP_EL0;
import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.AP_RO;
import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.NG;
import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.NORMAL;
import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.PXN;
import static org.gunyah.vmm.hypervisor.emulated.mmu.TableBuilder.UXN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The stage-1 walk of the EL1&0 regime with the 4 KiB granule, one behaviour per test. */
class Stage1Test {
    // TCR: T0SZ/T1SZ, IPS = 44 bits, TG1 = 4 KiB, A1, AS, TBI0 as each test needs.
    static final long IPS_44 = 4L << 32;
    static final long TG1_4K = 2L << 30;
    static final long READ0 = Access.bit(Access.READ, 0), WRITE0 = Access.bit(Access.WRITE, 0);

    final TableBuilder mem = new TableBuilder();
    final long root0 = mem.table();
    final long root1 = mem.table();

    static long tcr(int t0sz, int t1sz) {
        return t0sz | (long) t1sz << 16 | TG1_4K | IPS_44;
    }

    Stage1 regime(long tcr) {
        return new Stage1(0, tcr, root0, root1, 0xff_04L); // MAIR: Attr0 Device-nGnRE, Attr1 normal WB
    }

    Translation translate(Stage1 s, long va) {
        return assertInstanceOf(Translation.class, s.walk(va, mem));
    }

    Fault fault(Stage1 s, long va) {
        return assertInstanceOf(Fault.class, s.walk(va, mem));
    }

    @Test
    void aFortyEightBitWalkStartsAtLevelZeroAndEndsInAPage() {
        long va = 0x0000_8123_4567_8000L;
        mem.map(root0, 0, 48, va, 0x4012_3000L, 3, NORMAL);
        Translation t = translate(regime(tcr(16, 16)), va + 0x9ab);
        assertEquals(0x4012_3000L, t.pagePa());
        assertEquals(3, t.level());
    }

    @Test
    void aThirtyNineBitWalkStartsAtLevelOneWithATwoMegabyteBlock() {
        long va = 0x0000_0040_0020_0000L; // inside 39 bits
        mem.map(root0, 1, 39, va, 0x8000_0000L, 2, NORMAL);
        Translation t = translate(regime(tcr(25, 25)), va + 0x1_2345);
        assertEquals(0x8001_2000L, t.pagePa());
        assertEquals(2, t.level());
    }

    @Test
    void aOneGigabyteBlockAtLevelOneCoversItsRange() {
        long va = 0x0000_0000_4000_0000L;
        mem.map(root0, 1, 39, va, 0x1_0000_0000L, 1, NORMAL);
        assertEquals(
                0x1_3fff_f000L, translate(regime(tcr(25, 25)), va + 0x3fff_ffff).pagePa());
    }

    @Test
    void aTwentyFiveBitRegimeStartsAtLevelTwo() {
        long va = 0x1ff_f000L;
        mem.map(root0, 2, 25, va, 0x4000_5000L, 3, NORMAL);
        assertEquals(0x4000_5000L, translate(regime(tcr(39, 39)), va).pagePa());
    }

    @Test
    void highAddressesWalkFromTtbr1() {
        long va = 0xffff_ff80_0010_0000L; // a 39-bit kernel address
        mem.map(root1, 1, 39, va, 0x4020_0000L, 3, NORMAL);
        mem.map(root0, 1, 39, va & 0x7f_ffff_ffffL, 0x4030_0000L, 3, NORMAL);
        assertEquals(0x4020_0000L, translate(regime(tcr(25, 25)), va).pagePa());
    }

    @Test
    void anAddressOutsideTheRangeOfItsHalfIsATranslationFaultAtLevelZero() {
        Fault f = fault(regime(tcr(25, 25)), 0x0000_0080_0000_0000L); // bit 39 set: beyond 39 bits
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 0), f);
        assertEquals(0b000100, f.statusCode());
    }

    @Test
    void epd0DisablesWalksOfTheLowHalf() {
        long va = 0x1000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL);
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 0), fault(regime(tcr(25, 25) | 1L << 7), va));
    }

    @Test
    void topByteIgnoredLetsATaggedAddressTranslate() {
        long va = 0x2000;
        mem.map(root0, 1, 39, va, 0x4000_7000L, 3, NORMAL);
        long tagged = 0x5a00_0000_0000_2000L;
        assertEquals(
                0x4000_7000L, translate(regime(tcr(25, 25) | 1L << 37), tagged).pagePa());
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 0), fault(regime(tcr(25, 25)), tagged));
    }

    @Test
    void theFaultLevelIsTheLevelOfTheInvalidDescriptor() {
        long va = 0x0000_0012_3456_7000L;
        mem.map(root0, 0, 48, va, 0x4000_0000L, 3, NORMAL);
        mem.write(mem.entry(root0, 0, 48, va, 2), 0); // remove the level-2 table entry
        Fault f = fault(regime(tcr(16, 16)), va);
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 2), f);
        assertEquals(0b000110, f.statusCode());
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 0), fault(regime(tcr(16, 16)), 0x0000_8000_0000_0000L));
    }

    @Test
    void aBlockDescriptorAtLevelZeroIsATranslationFault() {
        mem.write(root0, 0x4000_0000L | NORMAL | 0b01);
        assertEquals(new Fault(Fault.Kind.TRANSLATION, 0), fault(regime(tcr(16, 16)), 0x1000));
    }

    @Test
    void aClearAccessFlagIsAnAccessFlagFaultAtTheLeafLevel() {
        long va = 0x3000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL & ~TableBuilder.AF);
        Fault f = fault(regime(tcr(25, 25)), va);
        assertEquals(new Fault(Fault.Kind.ACCESS_FLAG, 3), f);
        assertEquals(0b001011, f.statusCode());
    }

    @Test
    void anOutputAddressAboveFortyFourBitsIsAnAddressSizeFault() {
        long va = 0x4000;
        mem.map(root0, 1, 39, va, 0x1000_0000_0000L, 3, NORMAL);
        assertEquals(new Fault(Fault.Kind.ADDRESS_SIZE, 3), fault(regime(tcr(25, 25)), va));
    }

    @Test
    void ipsNarrowsTheOutputSize() {
        long va = 0x4000;
        mem.map(root0, 1, 39, va, 0x1_0000_0000L, 3, NORMAL);
        long tcr32 = tcr(25, 25) & ~(7L << 32); // IPS = 32 bits
        assertEquals(new Fault(Fault.Kind.ADDRESS_SIZE, 3), fault(regime(tcr32), va));
    }

    @Test
    void aTableOutsideRamIsAnExternalAbortOnTheWalk() {
        mem.write(root0, 0x7000_0000L | 0b11);
        Fault f = fault(regime(tcr(25, 25)), 0x5000);
        assertEquals(new Fault(Fault.Kind.EXTERNAL_ABORT_ON_WALK, 2), f);
        assertEquals(0b010110, f.statusCode());
    }

    @Test
    void apZeroZeroIsReadWriteAtEl1AndNothingAtEl0() {
        Translation t = leaf(0);
        assertTrue(t.allows(Access.READ, 1) && t.allows(Access.WRITE, 1) && t.allows(Access.EXECUTE, 1));
        assertFalse(t.allows(Access.READ, 0) || t.allows(Access.WRITE, 0));
    }

    @Test
    void memoryWritableAtEl0IsNeverExecutableAtEl1() {
        Translation t = leaf(AP_EL0);
        assertTrue(t.allows(Access.READ, 0) && t.allows(Access.WRITE, 0) && t.allows(Access.EXECUTE, 0));
        assertFalse(t.allows(Access.EXECUTE, 1));
    }

    @Test
    void apReadOnlyForbidsWritesAtBothLevels() {
        Translation t = leaf(AP_RO | AP_EL0);
        assertTrue(t.allows(Access.READ, 0) && t.allows(Access.READ, 1));
        assertFalse(t.allows(Access.WRITE, 0) || t.allows(Access.WRITE, 1));
        assertTrue(t.allows(Access.EXECUTE, 1));
    }

    @Test
    void uxnAndPxnForbidExecutionAtTheirLevelOnly() {
        Translation u = leaf(AP_RO | AP_EL0 | UXN);
        assertFalse(u.allows(Access.EXECUTE, 0));
        assertTrue(u.allows(Access.EXECUTE, 1));
        Translation p = leaf(AP_RO | AP_EL0 | PXN);
        assertTrue(p.allows(Access.EXECUTE, 0));
        assertFalse(p.allows(Access.EXECUTE, 1));
    }

    @Test
    void wxnMakesWritableMemoryExecuteNever() {
        long va = 0x6000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL);
        Stage1 wxn = new Stage1(Stage1.SCTLR_WXN, tcr(25, 25), root0, root1, 0);
        assertFalse(translate(wxn, va).allows(Access.EXECUTE, 1));
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL | AP_RO);
        assertTrue(translate(wxn, va).allows(Access.EXECUTE, 1));
    }

    @Test
    void hierarchicalControlsOfTablesApplyBelowThem() {
        long va = 0x7000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL | AP_EL0);
        long l1 = mem.entry(root0, 1, 39, va, 1);
        // APTable = 01 (no EL0), UXNTable and PXNTable on the level-1 table descriptor
        mem.write(l1, mem.read(l1) | 1L << 61 | 1L << 60 | 1L << 59);
        Translation t = translate(regime(tcr(25, 25)), va);
        assertFalse(t.allows(Access.READ, 0));
        assertFalse(t.allows(Access.EXECUTE, 1));
        mem.write(l1, mem.read(l1) & ~(7L << 59) | 2L << 61); // APTable = 10: read-only
        t = translate(regime(tcr(25, 25)), va);
        assertTrue(t.allows(Access.READ, 0));
        assertFalse(t.allows(Access.WRITE, 0) || t.allows(Access.WRITE, 1));
    }

    @Test
    void attributesComeFromMairAndNgMakesAnEntryPerAsid() {
        long va = 0x8000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL | 1 << 2 | NG);
        Translation t = translate(regime(tcr(25, 25)), va);
        assertEquals(0xff, t.attributes());
        assertEquals(3, t.shareability());
        assertFalse(t.global());
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL);
        assertTrue(translate(regime(tcr(25, 25)), va).device());
    }

    @Test
    void theAsidComesFromTheTtbrThatTcrA1Selects() {
        Stage1 a0 = new Stage1(0, tcr(25, 25) | Stage1.TCR_AS, 0x1234L << 48, 0x5678L << 48, 0);
        assertEquals(0x1234, a0.asid());
        Stage1 a1 = new Stage1(0, tcr(25, 25) | Stage1.TCR_A1, 0x1234L << 48, 0x5678L << 48, 0);
        assertEquals(0x78, a1.asid()); // eight bits without TCR.AS
    }

    private Translation leaf(long attributes) {
        long va = 0x9000;
        mem.map(root0, 1, 39, va, 0x4000_0000L, 3, NORMAL | attributes);
        return translate(regime(tcr(25, 25)), va);
    }
}
