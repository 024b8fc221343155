package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.BASE;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.DATA;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.EL0;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.NG;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.NORMAL;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.PXN;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.RO;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.ROOT0;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.ROOT1;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.UXN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vCPU with stage-1 translation on: what its loads, stores and fetches reach, the aborts they
 * take (ESR, FAR), the TLB's tags and invalidations, AT, and restartable instructions. One behaviour
 * per test. Data lives at virtual addresses V + n pages, in the same 2 MiB as the code.
 */
class MmuTest {
    static final long V = BASE + 0x10_0000;
    static final String TO_EL0 = """
                ldr x0, =el0
                msr elr_el1, x0
                mov x0, #0
                msr spsr_el1, x0
                eret
        """;

    private static String word(int w) {
        return String.format("        .word 0x%08x%n", w);
    }

    // SYS encodings the assembler lacks: op1, CRn, CRm, op2 and Rt.
    private static String sys(int op1, int crn, int crm, int op2, int rt) {
        return word(0xd5080000 | op1 << 16 | crn << 12 | crm << 8 | op2 << 5 | rt);
    }

    private static int ec(A64Cpu cpu) {
        return (int) (cpu.esr() >>> 26);
    }

    private static int fsc(A64Cpu cpu) {
        return (int) cpu.esr() & 0x3f;
    }

    private static boolean wnr(A64Cpu cpu) {
        return (cpu.esr() & 1 << 6) != 0;
    }

    private static A64Cpu runToStop(MmuMachine m) {
        A64Cpu cpu = m.cpu();
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
        return cpu;
    }

    @Test
    void aLoadReadsThePhysicalPageItsVirtualPageMapsTo() {
        var m = new MmuMachine("        ldr x2, =" + (V + 0x18) + "\n        ldr x1, [x2]\n");
        m.map(ROOT0, V, DATA + 0x1000, NORMAL);
        m.write(DATA + 0x1018, 0x1234_5678_9abc_def0L);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x1234_5678_9abc_def0L, cpu.x(1));
    }

    @Test
    void withTbi0ATaggedPointerReachesItsUntaggedPage() {
        long tagged = 0x5a00_0000_0000_0000L | V;
        var m = new MmuMachine("        ldr x2, =" + tagged + "\n        ldr x1, [x2]\n", "", null, 1L << 37);
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA, 31);
        assertEquals(31, runToStop(m).x(1));
    }

    @Test
    void withoutTbiATaggedPointerIsATranslationFaultAtLevelZero() {
        long tagged = 0x5a00_0000_0000_0000L | V;
        var m = new MmuMachine("        ldr x2, =" + tagged + "\n        ldr x1, [x2]\n");
        m.map(ROOT0, V, DATA, NORMAL);
        A64Cpu cpu = runToStop(m);
        assertEquals(0b000100, fsc(cpu));
        assertEquals(tagged, cpu.far());
    }

    @Test
    void aStoreThroughATwoMegabyteBlockWritesItsPhysicalAddress() {
        long va = BASE + 0x20_0000; // a block mapping all 64 KiB of RAM again, 2 MiB higher
        var m = new MmuMachine("        ldr x2, =" + (va + 0x4010) + "\n        mov x1, #77\n        str x1, [x2]\n");
        m.mapBlock(ROOT0, va, BASE, NORMAL);
        runToStop(m);
        assertEquals(77, m.read(DATA + 0x10));
    }

    @Test
    void highAddressesTranslateThroughTtbr1() {
        long high = 0xffff_ff80_0000_0000L | V; // TTBR1's half, 39 bits
        var m = new MmuMachine("        ldr x2, =" + high + "\n        ldr x1, [x2]\n");
        // TTBR1's level 1 shares TTBR0's level-2 table for this gigabyte: the same leaves
        long low = m.tableEntry(ROOT0, V, 2);
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(ROOT1 + ((high >>> 30) & 0x1ff) * 8, m.read(ROOT0 + ((V >>> 30) & 0x1ff) * 8));
        m.write(DATA, 99);
        assertEquals(low, m.tableEntry(ROOT1, high, 2));
        assertEquals(99, runToStop(m).x(1));
    }

    @Test
    void aLoadFromAnUnmappedPageIsATranslationFaultWithItsAddressAndLevel() {
        var m = new MmuMachine("        ldr x2, =" + (V + 0x2008) + "\nload:\n        ldr x1, [x2]\n");
        A64Cpu cpu = runToStop(m);
        assertEquals(0x200, cpu.x(20));
        assertEquals(0x25, ec(cpu), "data abort from the current EL");
        assertEquals(0b000111, fsc(cpu), "translation fault, level 3");
        assertEquals(V + 0x2008, cpu.far());
        assertEquals(false, wnr(cpu));
        assertEquals(m.symbol("load"), cpu.elr());
    }

    @Test
    void aStoreFaultSetsWnR() {
        var m = new MmuMachine("        ldr x2, =" + (V + 0x2008) + "\n        str x1, [x2]\n");
        A64Cpu cpu = runToStop(m);
        assertEquals(0b000111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void aClearAccessFlagIsAnAccessFlagFault() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n        ldr x1, [x2]\n");
        m.map(ROOT0, V, DATA, NORMAL & ~MmuMachine.AF);
        assertEquals(0b001011, fsc(runToStop(m)));
    }

    @Test
    void el0ReadingAnEl1OnlyPageIsAPermissionFaultFromTheLowerEl() {
        var m = new MmuMachine(TO_EL0, "        ldr x2, =" + V + "\n        ldr x1, [x2]\n", null, 0);
        m.map(ROOT0, V, DATA, NORMAL);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x400, cpu.x(20));
        assertEquals(0x24, ec(cpu));
        assertEquals(0b001111, fsc(cpu), "permission fault, level 3");
        assertEquals(V, cpu.far());
    }

    @Test
    void el1WritingAReadOnlyPageIsAPermissionFault() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n        str x1, [x2]\n");
        m.map(ROOT0, V, DATA, NORMAL | RO);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x25, ec(cpu));
        assertEquals(0b001111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void el0FetchingFromAUxnPageIsAnInstructionAbortFromTheLowerEl() {
        var m = new MmuMachine(TO_EL0, "        ldr x2, =" + V + "\n        br x2\n", null, 0);
        m.map(ROOT0, V, DATA, NORMAL | RO | EL0 | UXN);
        m.write(DATA, 0xd503201f_d503201fL); // nops
        A64Cpu cpu = runToStop(m);
        assertEquals(0x20, ec(cpu));
        assertEquals(0b001111, fsc(cpu));
        assertEquals(V, cpu.far());
        assertEquals(V, cpu.elr());
    }

    @Test
    void el1FetchingFromAPxnPageIsAnInstructionAbortFromTheCurrentEl() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n        br x2\n");
        m.map(ROOT0, V, DATA, NORMAL | RO | PXN);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x21, ec(cpu));
        assertEquals(0b001111, fsc(cpu));
    }

    @Test
    void el1NeverExecutesMemoryWritableAtEl0() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n        br x2\n");
        m.map(ROOT0, V, DATA, NORMAL | EL0);
        assertEquals(0x21, ec(runToStop(m)));
    }

    @Test
    void wxnMakesWritablePagesExecuteNever() {
        var m = new MmuMachine("""
                    mrs x0, sctlr_el1
                    orr x0, x0, #0x80000
                    msr sctlr_el1, x0
                    ldr x2, =%d
                    br x2
            """.formatted(V));
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA, 0xd503201f_d503201fL);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x21, ec(cpu));
        assertEquals(0b001111, fsc(cpu));
    }

    @Test
    void ldtrAtEl1HasEl0sPermissions() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x3, [x2]
                ldtr:
            """.formatted(V) + word(0xf8400800 | 2 << 5 | 1)); // ldtr x1, [x2]
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA, 5);
        A64Cpu cpu = runToStop(m);
        assertEquals(5, cpu.x(3), "an ordinary load may read it");
        assertEquals(m.symbol("ldtr"), cpu.elr());
        assertEquals(0x25, ec(cpu), "taken from EL1, where the LDTR ran");
        assertEquals(0b001111, fsc(cpu));
    }

    @Test
    void sttrAtEl1ToAPageEl0MayOnlyReadIsAPermissionFaultAfterLdtrsOfIt() {
        var m = new MmuMachine("""
                    ldr x2, =%d
            """.formatted(V) + word(0xf8400800 | 2 << 5 | 1) // ldtr x1, [x2]
                + word(0xf8400800 | 2 << 5 | 3) // ldtr x3, [x2]
                + "sttr:\n"
                + word(0xf8000800 | 2 << 5 | 1)); // sttr x1, [x2]
        m.map(ROOT0, V, DATA, NORMAL | EL0 | RO);
        m.write(DATA, 5);
        A64Cpu cpu = runToStop(m);
        assertEquals(5, cpu.x(3), "EL0 may read it");
        assertEquals(m.symbol("sttr"), cpu.elr());
        assertEquals(0b001111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void ldtrAtEl1ReadsAPageEl0MayReadAfterOrdinaryLoadsOfIt() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x3, [x2]
                    ldr x4, [x2]
            """.formatted(V)
                + word(0xf8400800 | 2 << 5 | 1) // ldtr x1, [x2]
                + word(0xf8400800 | 2 << 5 | 5)); // ldtr x5, [x2]
        m.map(ROOT0, V, DATA, NORMAL | EL0);
        m.write(DATA, 5);
        A64Cpu cpu = runToStop(m);
        assertEquals(0, cpu.x(20), "no exception taken");
        assertEquals(5, cpu.x(1));
        assertEquals(5, cpu.x(5));
    }

    @Test
    void sttrsAndLdtrsAtEl1ToAPageEl0MayWriteStoreAndLoadEachValue() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    mov x1, #7
                    mov x3, #-2
            """.formatted(V)
                + word(0xf8000800 | 2 << 5 | 1) // sttr x1, [x2]
                + word(0xb8000800 | 8 << 12 | 2 << 5 | 3) // sttr w3, [x2, #8]
                + word(0xf8400800 | 2 << 5 | 4) // ldtr x4, [x2]
                + word(0xb8800800 | 8 << 12 | 2 << 5 | 5)); // ldtrsw x5, [x2, #8]
        m.map(ROOT0, V, DATA, NORMAL | EL0);
        A64Cpu cpu = runToStop(m);
        assertEquals(0, cpu.x(20), "no exception taken");
        assertEquals(7, m.read(DATA));
        assertEquals(0xffff_fffeL, m.read(DATA + 8));
        assertEquals(7, cpu.x(4));
        assertEquals(-2, cpu.x(5));
    }

    @Test
    void stpToAReadOnlyPageJustReadByLdpIsAPermissionFault() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldp x3, x4, [x2]
                    ldp x5, x6, [x2, #16]
                stp:
                    stp x3, x4, [x2, #32]
            """.formatted(V));
        m.map(ROOT0, V, DATA, NORMAL | RO);
        m.write(DATA, 5);
        A64Cpu cpu = runToStop(m);
        assertEquals(5, cpu.x(3));
        assertEquals(m.symbol("stp"), cpu.elr());
        assertEquals(0b001111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void el0ReadingAnEl1OnlyPageEl1HasJustReadIsAPermissionFault() {
        var m = new MmuMachine(
                "        ldr x2, =" + V + "\n        ldr x1, [x2]\n" + TO_EL0,
                "        ldr x2, =" + V + "\n        ldr x3, [x2]\n",
                null,
                0);
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA, 5);
        A64Cpu cpu = runToStop(m);
        assertEquals(5, cpu.x(1), "EL1 read it");
        assertEquals(0x400, cpu.x(20));
        assertEquals(0x24, ec(cpu));
        assertEquals(0b001111, fsc(cpu));
    }

    @Test
    void aPageReadBeforeOthersThenRemappedAndInvalidatedIsReadAtItsNewAddress() {
        // x9 holds V's descriptor's address, x10 its new value (DATA + 0x2000).
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x5, =%d
                    ldr x1, [x2]
                    ldr x4, [x5]
                    str x10, [x9]
                    dsb ish
                    lsr x0, x2, #12
            """.formatted(V, V + 0x1000)
                + sys(0, 8, 7, 1, 0) // tlbi vae1, x0
                + "        dsb ish\n        ldr x3, [x2]\n");
        long entry = m.map(ROOT0, V, DATA, NORMAL);
        m.map(ROOT0, V + 0x1000, DATA + 0x1000, NORMAL);
        m.write(DATA, 1);
        m.write(DATA + 0x1000, 2);
        m.write(DATA + 0x2000, 3);
        A64Cpu cpu = m.cpu();
        cpu.setX(9, entry);
        cpu.setX(10, DATA + 0x2000 | NORMAL | 0b11);
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
        assertEquals(1, cpu.x(1));
        assertEquals(2, cpu.x(4));
        assertEquals(3, cpu.x(3), "the new page, after TLBI VAE1");
    }

    @Test
    void loadsFromAPageJustReadExtendAsTheirKindSays() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x1, [x2]
                    ldrsw x3, [x2, #8]
                    ldrsh w4, [x2, #8]
                    ldrsh x5, [x2, #8]
                    ldrb w6, [x2, #11]
            """.formatted(V));
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA + 8, 0x8000_8000L);
        A64Cpu cpu = runToStop(m);
        assertEquals(0xffff_ffff_8000_8000L, cpu.x(3));
        assertEquals(0xffff_8000L, cpu.x(4), "a W register: the top half clear");
        assertEquals(0xffff_ffff_ffff_8000L, cpu.x(5));
        assertEquals(0x80, cpu.x(6));
    }

    @Test
    void strToAReadOnlyPageJustReadIsAPermissionFault() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x3, [x2]
                    ldr x4, [x2, #8]
                str:
                    str x3, [x2, #16]
            """.formatted(V));
        m.map(ROOT0, V, DATA, NORMAL | RO);
        A64Cpu cpu = runToStop(m);
        assertEquals(m.symbol("str"), cpu.elr());
        assertEquals(0b001111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void aFaultingLoadWithWritebackLeavesTheBaseAndReexecutesAfterTheHandler() {
        // The handler maps the page and returns to the load, which then completes with its writeback.
        var m = new MmuMachine("""
                    ldr x2, =%d
                    mov x21, #0
                load:
                    ldr x1, [x2], #8
                    mov x22, x2
            """.formatted(V), "", """
                        add x21, x21, #1
                        mov x23, x2
                        ldr x9, =descriptor
                        ldr x9, [x9]
                        ldr x10, =descriptorValue
                        ldr x10, [x10]
                        str x10, [x9]
                        eret
                        .balign 8
                    descriptor: .quad 0
                    descriptorValue: .quad 0
                """, 0);
        long entry = m.tableEntry(ROOT0, V, 3);
        m.write(m.symbol("descriptor"), entry);
        m.write(m.symbol("descriptorValue"), DATA | NORMAL | 0b11);
        m.write(DATA, 42);
        A64Cpu cpu = runToStop(m);
        assertEquals(1, cpu.x(21), "one fault");
        assertEquals(V, cpu.x(23), "the base unchanged when the handler ran");
        assertEquals(42, cpu.x(1));
        assertEquals(V + 8, cpu.x(22));
    }

    @Test
    void aStoreAcrossAPageBoundaryFaultingOnTheSecondPageWritesNothing() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x1, =0x1122334455667788
                    str x1, [x2]
            """.formatted(V + 0xffc));
        m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA + 0xff8, -1L);
        A64Cpu cpu = runToStop(m);
        assertEquals(0b000111, fsc(cpu));
        assertEquals(V + 0x1000, cpu.far(), "the first byte of the page that faulted");
        assertEquals(-1L, m.read(DATA + 0xff8));
    }

    @Test
    void aStoreAcrossAPageBoundaryWritesBothPhysicalPages() {
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x1, =0x1122334455667788
                    str x1, [x2]
            """.formatted(V + 0xffc));
        m.map(ROOT0, V, DATA + 0x2000, NORMAL);
        m.map(ROOT0, V + 0x1000, DATA, NORMAL); // not contiguous: the second page comes first
        runToStop(m);
        assertEquals(0x5566_7788L, m.read(DATA + 0x2ff8) >>> 32);
        assertEquals(0x1122_3344L, m.read(DATA) & 0xffff_ffffL);
    }

    @Test
    void aTlbiReachesEveryRecentlyLoadedPageNotOnlyTheLast() {
        // V and the page after it are both among the recent load pages when the table moves V to
        // another page; after TLBI VMALLE1 a load from V reads the new one. x9 holds the
        // descriptor's address, x10 its new value.
        var m = new MmuMachine("""
                    ldr x2, =%1$d
                    ldr x3, =%2$d
                    ldr x1, [x2]
                    ldr x4, [x3]
                    str x10, [x9]
            """.formatted(V, V + 0x1000)
                + sys(0, 8, 7, 0, 31) // tlbi vmalle1
                + "        ldr x5, [x2]\n");
        long entry = m.map(ROOT0, V, DATA, NORMAL);
        m.map(ROOT0, V + 0x1000, DATA + 0x1000, NORMAL);
        m.write(DATA, 1);
        m.write(DATA + 0x1000, 2);
        m.write(DATA + 0x2000, 3);
        A64Cpu cpu = m.cpu();
        cpu.setX(9, entry);
        cpu.setX(10, DATA + 0x2000 | NORMAL | 0b11);
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
        assertEquals(1, cpu.x(1), "V's old page");
        assertEquals(2, cpu.x(4), "the next page");
        assertEquals(3, cpu.x(5), "V's new page, after the TLBI");
    }

    @Test
    void asidTaggedEntriesSurviveAContextSwitchUntilTlbiAside1() {
        // ASID 1 caches V -> DATA; the table then maps V -> DATA + 0x1000 without a TLBI. ASID 2
        // walks and sees the new page; back in ASID 1 the old entry still answers, until TLBI ASIDE1.
        // x9 holds the descriptor's address, x10 its new value.
        var m = new MmuMachine("""
                    ldr x2, =%1$d
                    ldr x0, =%2$d
                    msr s3_0_c2_c0_0, x0
                    ldr x1, [x2]
                    str x10, [x9]
                    ldr x0, =%3$d
                    msr s3_0_c2_c0_0, x0
                    ldr x3, [x2]
                    ldr x0, =%2$d
                    msr s3_0_c2_c0_0, x0
                    ldr x4, [x2]
                    mov x0, #1
                    lsl x0, x0, #48
            """.formatted(V, ROOT0 | 1L << 48, ROOT0 | 2L << 48)
                + sys(0, 8, 7, 2, 0) // tlbi aside1, x0
                + "        ldr x5, [x2]\n");
        long entry = m.map(ROOT0, V, DATA, NORMAL | NG);
        m.write(DATA, 1);
        m.write(DATA + 0x1000, 2);
        A64Cpu cpu = m.cpu();
        cpu.setX(9, entry);
        cpu.setX(10, DATA + 0x1000 | NORMAL | NG | 0b11);
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
        assertEquals(1, cpu.x(1), "ASID 1 walked: the old page");
        assertEquals(2, cpu.x(3), "ASID 2 walked: the new page");
        assertEquals(1, cpu.x(4), "ASID 1's entry survived the switches");
        assertEquals(2, cpu.x(5), "TLBI ASIDE1 removed it");
    }

    @Test
    void atWritesParWithTheTranslationOrTheFault() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n"
                + sys(0, 7, 8, 0, 2) // at s1e1r, x2
                + "        mrs x3, s3_0_c7_c4_0\n"
                + sys(0, 7, 8, 3, 2) // at s1e0w, x2
                + "        mrs x4, s3_0_c7_c4_0\n"
                + "        ldr x2, =" + (V + 0x1000) + "\n"
                + sys(0, 7, 8, 0, 2)
                + "        mrs x5, s3_0_c7_c4_0\n");
        m.map(ROOT0, V, DATA, NORMAL);
        A64Cpu cpu = runToStop(m);
        assertEquals(0xffL << 56 | DATA | 3 << 7 | 1 << 11, cpu.x(3), "Attr0, the PA, inner shareable");
        assertEquals(0b001111 << 1 | 1 | 1 << 11, cpu.x(4), "F, permission fault level 3");
        assertEquals(0b000111 << 1 | 1 | 1 << 11, cpu.x(5), "F, translation fault level 3");
    }

    @Test
    void aStoreToAPageOfMmioExitsWithThePhysicalAddress() {
        var m = new MmuMachine("        ldr x2, =" + (V + 8) + "\n        mov x1, #7\n        str w1, [x2]\n");
        m.map(ROOT0, V, 0x0900_0000L, NORMAL);
        A64Cpu cpu = m.cpu();
        assertEquals(new Exit.MmioWrite(0x0900_0008L, 4, 7), MmuMachine.run(cpu));
    }

    @Test
    void dcZvaToAReadOnlyPageIsAWritePermissionFault() {
        var m = new MmuMachine("        ldr x2, =" + V + "\n" + sys(3, 7, 4, 1, 2)); // dc zva, x2
        m.map(ROOT0, V, DATA, NORMAL | RO);
        A64Cpu cpu = runToStop(m);
        assertEquals(0b001111, fsc(cpu));
        assertEquals(true, wnr(cpu));
    }

    @Test
    void aMisalignedLoadExclusiveIsAnAlignmentFault() {
        var m = new MmuMachine("        ldr x2, =" + (V + 4) + "\n" + word(0xc85f7c41)); // ldxr x1, [x2]
        m.map(ROOT0, V, DATA, NORMAL);
        A64Cpu cpu = runToStop(m);
        assertEquals(0x25, ec(cpu));
        assertEquals(0b100001, fsc(cpu));
    }

    @Test
    void aLoadBasedOnAMisalignedSpWithSctlrSaIsAnSpAlignmentFault() {
        var m = new MmuMachine("""
                    mrs x0, sctlr_el1
                    orr x0, x0, #8
                    msr sctlr_el1, x0
                    ldr x0, =%d
                    mov sp, x0
                    ldr x1, [sp]
            """.formatted(V + 8));
        m.map(ROOT0, V, DATA, NORMAL);
        assertEquals(0x26, ec(runToStop(m)));
    }

    @Test
    void tlbiVae1isOnAnotherVcpuIsSeenByThisVcpusNextAccess() throws Exception {
        // vCPU 1 reads V (now cached) and stops; vCPU 0, on another thread, remaps V and broadcasts
        // TLBI VAE1IS (x9 the descriptor's address, x10 its new value, x0 the operand); vCPU 1's
        // next read of V walks again and sees the new page.
        String writer = "tlbi:\n        str x10, [x9]\n        dsb ish\n"
                + sys(0, 8, 3, 1, 0) // tlbi vae1is, x0
                + "        dsb ish\n";
        var m = new MmuMachine("""
                    ldr x2, =%d
                    ldr x1, [x2]
                    hvc #0
                    ldr x3, [x2]
            """.formatted(V), writer, null, 0);
        long entry = m.map(ROOT0, V, DATA, NORMAL);
        m.write(DATA, 1);
        m.write(DATA + 0x1000, 2);
        A64Cpu reader = m.machine.cpu(1);
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(reader));
        assertEquals(1, reader.x(1));
        A64Cpu other = m.machine.cpu(0);
        other.setPc(m.symbol("tlbi"));
        other.setX(0, V >>> 12);
        other.setX(9, entry);
        other.setX(10, DATA + 0x1000 | NORMAL | 0b11);
        Exit e = CompletableFuture.supplyAsync(() -> MmuMachine.run(other)).get(10, TimeUnit.SECONDS);
        assertInstanceOf(Exit.Hypercall.class, e);
        assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(reader));
        assertEquals(2, reader.x(3));
    }
}
