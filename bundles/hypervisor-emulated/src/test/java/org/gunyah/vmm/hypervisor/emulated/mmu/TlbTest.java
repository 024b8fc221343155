package org.gunyah.vmm.hypervisor.emulated.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The software TLB and its invalidations, one behaviour per test. */
class TlbTest {
    static final int ALL = Access.bits(true, true, true, true, true, true);
    static final int R1 = Access.bit(Access.READ, 1);
    static final MemorySegment PAGE = Arena.ofAuto().allocate(4096);

    final Tlb tlb = new Tlb();

    static Translation page(long pa, boolean global) {
        return new Translation(pa, 3, ALL, global, 0xff, 3);
    }

    static Translation block(long pa, int level) {
        return new Translation(pa, level, ALL, true, 0xff, 3);
    }

    @Test
    void aFilledPageHitsWithItsHostMemory() {
        int e = tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        assertEquals(e, tlb.lookup(0x1abc, 1, R1));
        assertEquals(0x4000_1000L, tlb.pagePa(e));
        assertEquals(PAGE, tlb.page(e));
    }

    @Test
    void aNonGlobalEntryHitsOnlyInItsAsid() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        assertEquals(-1, tlb.lookup(0x1000, 2, R1));
    }

    @Test
    void twoAsidsKeepTheirEntriesForTheSameAddressSideBySide() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        tlb.fill(0x1000, 2, page(0x4000_2000L, false), PAGE);
        assertEquals(0x4000_1000L, tlb.pagePa(tlb.lookup(0x1000, 1, R1)));
        assertEquals(0x4000_2000L, tlb.pagePa(tlb.lookup(0x1000, 2, R1)));
    }

    @Test
    void pageInvalidationForEveryAsidRemovesEachAsidsEntry() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        tlb.fill(0x1000, 2, page(0x4000_2000L, false), PAGE);
        tlb.invalidate(new Invalidation(Invalidation.Kind.PAGE, 0x1, 0));
        assertEquals(-1, tlb.lookup(0x1000, 1, R1));
        assertEquals(-1, tlb.lookup(0x1000, 2, R1));
    }

    @Test
    void aGlobalEntryHitsInEveryAsid() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, true), PAGE);
        assertTrue(tlb.lookup(0x1000, 7, R1) >= 0);
    }

    @Test
    void anAccessItsPermissionsForbidMisses() {
        Translation readOnly = new Translation(0x4000_1000L, 3, R1, true, 0xff, 3);
        tlb.fill(0x1000, 1, readOnly, PAGE);
        assertEquals(-1, tlb.lookup(0x1000, 1, Access.bit(Access.WRITE, 1)));
    }

    @Test
    void aSameSlotPageOfAnotherAddressMisses() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, true), PAGE);
        assertEquals(-1, tlb.lookup(0x1000 + Tlb.ENTRIES * 4096L, 1, R1));
    }

    @Test
    void asidInvalidationRemovesThatAsidOnly() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        tlb.fill(0x2000, 2, page(0x4000_2000L, false), PAGE);
        tlb.fill(0x3000, 1, page(0x4000_3000L, true), PAGE);
        tlb.invalidate(new Invalidation(Invalidation.Kind.ASID, 0, 1));
        assertEquals(-1, tlb.lookup(0x1000, 1, R1));
        assertTrue(tlb.lookup(0x2000, 2, R1) >= 0);
        assertTrue(tlb.lookup(0x3000, 1, R1) >= 0);
    }

    @Test
    void pageInvalidationForAnAsidKeepsOtherAsidsButRemovesGlobals() {
        tlb.fill(0x1000, 1, page(0x4000_1000L, false), PAGE);
        tlb.invalidate(new Invalidation(Invalidation.Kind.PAGE_ASID, 0x1, 2));
        assertTrue(tlb.lookup(0x1000, 1, R1) >= 0);
        tlb.fill(0x5000, 1, page(0x4000_5000L, true), PAGE);
        tlb.invalidate(new Invalidation(Invalidation.Kind.PAGE_ASID, 0x5, 2));
        assertEquals(-1, tlb.lookup(0x5000, 1, R1));
    }

    @Test
    void invalidatingOneAddressOfABlockRemovesEveryPageCachedFromIt() {
        tlb.fill(0x20_0000L, 0, block(0x4020_0000L, 2), PAGE);
        tlb.fill(0x3f_f000L, 0, block(0x403f_f000L, 2), PAGE);
        tlb.invalidate(new Invalidation(Invalidation.Kind.PAGE, 0x20_0000L >>> 12, 0));
        assertEquals(-1, tlb.lookup(0x3f_f000L, 0, R1));
    }

    @Test
    void tlbiOperandsDecodeTheirAddressAndAsid() {
        long xt = 0x0042_0000_0000_0000L | (0xffff_ff80_0010_0000L >>> 12 & ((1L << 44) - 1));
        Invalidation op = Invalidation.ofTlbi(1, xt, true);
        assertEquals(new Invalidation(Invalidation.Kind.PAGE_ASID, 0xffff_ff80_0010_0000L >>> 12, 0x42), op);
        assertEquals(Invalidation.Kind.ASID, Invalidation.ofTlbi(2, xt, true).kind());
        assertEquals(Invalidation.ALL, Invalidation.ofTlbi(0, xt, true));
    }

    @Test
    void aBroadcastFromAnotherThreadIsAppliedBeforeTheOwnersNextLookup() throws Exception {
        TlbDomain domain = new TlbDomain();
        Tlb other = new Tlb();
        domain.register(tlb);
        domain.register(other);
        tlb.fill(0x1000, 1, page(0x4000_1000L, true), PAGE);
        other.fill(0x1000, 1, page(0x4000_1000L, true), PAGE);
        CompletableFuture.runAsync(() -> domain.broadcast(other, new Invalidation(Invalidation.Kind.PAGE, 1, 0)))
                .get(10, TimeUnit.SECONDS);
        assertEquals(-1, other.lookup(0x1000, 1, R1));
        tlb.applyPosted();
        assertEquals(-1, tlb.lookup(0x1000, 1, R1));
    }

    @Test
    void aTlbThatLeftTheDomainIsNoLongerSentItsBroadcasts() {
        TlbDomain domain = new TlbDomain();
        Tlb other = new Tlb();
        domain.register(tlb);
        domain.register(other);
        tlb.fill(0x1000, 1, page(0x4000_1000L, true), PAGE);

        domain.leave(tlb);
        domain.broadcast(other, new Invalidation(Invalidation.Kind.PAGE, 1, 0));
        tlb.applyPosted();

        assertEquals(1, domain.size());
        assertTrue(tlb.lookup(0x1000, 1, R1) >= 0, "nothing was posted to the TLB that left");
    }
}
