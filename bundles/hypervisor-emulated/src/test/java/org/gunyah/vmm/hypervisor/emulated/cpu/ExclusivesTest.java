package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The exclusives and their monitor, load-acquire/store-release (Exclusives), one behaviour per
 * test. The encodings are words from GNU as, named in a comment. In these programs x1 holds the
 * address, x2 the loaded value, x3 the store-exclusive status and x4 (x6) the value stored.
 */
class ExclusivesTest {
    static final String LDXR = "        .word 0xc85f7c22  // ldxr x2, [x1]\n";
    static final String STXR = "        .word 0xc8037c24  // stxr w3, x4, [x1]\n";
    static final String HVC = "        hvc #0\n";
    static final String DATA = """
                hvc #0
                .balign 16
        var:    .quad 0x1122334455667788, 0x99aabbccddeeff00
        other:  .quad 0, 0
        """;

    private static Machine.Result run(String code) {
        var r = Machine.run("        adr x1, var\n        mov x3, #7\n" + code + DATA);
        assertInstanceOf(Exit.Hypercall.class, r.exit(), () -> r.exit().toString());
        return r;
    }

    private static long var(Machine.Result r, int offset) {
        return r.machine().load64(r.machine().symbol("var") + offset);
    }

    @Test
    void ldxrThenStxrStoresAndReportsSuccessAsZero() {
        var r = run("""
                    mov x4, #42
            """ + LDXR + STXR);
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
        assertEquals(0, r.x(3));
        assertEquals(42, var(r, 0));
    }

    @Test
    void stxrWithoutLdxrFailsWithStatusOneAndDoesNotStore() {
        var r = run("        mov x4, #42\n" + STXR);
        assertEquals(1, r.x(3));
        assertEquals(0x1122_3344_5566_7788L, var(r, 0));
    }

    @Test
    void aSecondStxrFailsBecauseTheFirstClearedTheMonitor() {
        var r = run("        mov x4, #42\n" + LDXR + STXR + "        mov x4, #43\n        mov x5, x3\n" + STXR);
        assertEquals(0, r.x(5));
        assertEquals(1, r.x(3));
        assertEquals(42, var(r, 0));
    }

    @Test
    void stxrToAnotherAddressThanTheMonitoredOneFails() {
        var r = run("""
                    adr x7, other
                    mov x4, #42
            """ + LDXR + "        .word 0xc8037ce4  // stxr w3, x4, [x7]\n");
        assertEquals(1, r.x(3));
        assertEquals(0, r.machine().load64(r.machine().symbol("other")));
    }

    @Test
    void stxrAfterClearingTheMonitorFails() {
        // CLREX calls Exclusives.clear; its decoding is the system group's.
        Machine m = new Machine("        adr x1, var\n        mov x4, #42\n" + LDXR + HVC + STXR + DATA);
        A64Cpu cpu = m.cpu(0);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        Exclusives.clear(cpu);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        assertEquals(1, cpu.x(3));
        assertEquals(0x1122_3344_5566_7788L, m.load64(m.symbol("var")));
    }

    @Test
    void anExceptionReturnClearsTheMonitor() {
        var r = run("""
                    adr x5, 1f
                    msr elr_el1, x5
                    mov x5, #0x3c5
                    msr spsr_el1, x5
                    mov x4, #42
            """ + LDXR + "        eret\n1:\n" + STXR);
        assertEquals(1, r.x(3));
    }

    /** vCPU 0 loads exclusively and stops; vCPU 1 runs {@code intruder}; then vCPU 0 stores. */
    private static A64Cpu interleave(Machine m, String intruderLabel) {
        A64Cpu first = m.cpu(0);
        A64Cpu second = m.cpu(1);
        second.setPc(m.symbol(intruderLabel));
        assertInstanceOf(Exit.Hypercall.class, first.run(100));
        assertInstanceOf(Exit.Hypercall.class, second.run(100));
        assertInstanceOf(Exit.Hypercall.class, first.run(100));
        return first;
    }

    private static final String MONITORED = "        adr x1, var\n        mov x4, #42\n" + LDXR + HVC + STXR + HVC;

    @Test
    void aPlainStoreByAnotherVcpuMakesStxrFail() {
        Machine m = new Machine(MONITORED + """
            intruder:
                    adr x1, var
                    mov x9, #5
                    str x9, [x1]
            """ + DATA);
        A64Cpu cpu = interleave(m, "intruder");
        assertEquals(1, cpu.x(3));
        assertEquals(5, m.load64(m.symbol("var")));
    }

    @Test
    void aByteStoreByAnotherVcpuToTheMonitoredDoublewordMakesStxrFail() {
        Machine m = new Machine(MONITORED + """
            intruder:
                    adr x1, var
                    mov x9, #5
                    strb w9, [x1, #7]
            """ + DATA);
        assertEquals(1, interleave(m, "intruder").x(3));
    }

    @Test
    void anLseAtomicOfAnotherVcpuMakesStxrFail() {
        Machine m = new Machine(MONITORED + """
            intruder:
                    adr x1, var
                    mov x9, #1
                    ldadd x9, x10, [x1]
            """ + DATA);
        A64Cpu cpu = interleave(m, "intruder");
        assertEquals(1, cpu.x(3));
        assertEquals(0x1122_3344_5566_7789L, m.load64(m.symbol("var")));
    }

    @Test
    void aStoreExclusiveOfAnotherVcpuMakesStxrFail() {
        Machine m = new Machine(MONITORED + """
            intruder:
                    adr x1, var
                    mov x4, #99
            """ + LDXR + STXR + DATA);
        A64Cpu cpu = interleave(m, "intruder");
        assertEquals(1, cpu.x(3));
        assertEquals(99, m.load64(m.symbol("var")));
    }

    @Test
    void aStoreByAnotherVcpuElsewhereLeavesStxrSucceeding() {
        Machine m = new Machine(MONITORED + """
            intruder:
                    adr x1, other
                    mov x9, #5
                    str x9, [x1]
            """ + DATA);
        A64Cpu cpu = interleave(m, "intruder");
        assertEquals(0, cpu.x(3));
        assertEquals(42, m.load64(m.symbol("var")));
    }

    @Test
    void byteExclusivesZeroExtendAndStoreOneByte() {
        var r = run("""
                    mov x2, #-1
                    mov x4, #0x1ab
                    add x1, x1, #1
                    .word 0x085f7c22  // ldxrb w2, [x1]
                    .word 0x08037c24  // stxrb w3, w4, [x1]
            """);
        assertEquals(0x77, r.x(2));
        assertEquals(0, r.x(3));
        assertEquals(0x1122_3344_5566_ab88L, var(r, 0));
    }

    @Test
    void halfwordExclusivesWithAcquireAndReleaseStoreTwoBytes() {
        var r = run("""
                    mov x4, #0x2345
                    movk x4, #1, lsl #16
                    add x1, x1, #6
                    .word 0x485ffc22  // ldaxrh w2, [x1]
                    .word 0x4803fc24  // stlxrh w3, w4, [x1]
            """);
        assertEquals(0x1122, r.x(2));
        assertEquals(0, r.x(3));
        assertEquals(0x2345_3344_5566_7788L, var(r, 0));
    }

    @Test
    void wordExclusivesZeroExtendTheLoadedValue() {
        var r = run("""
                    mov x2, #-1
                    mov x4, #-1
                    .word 0x885ffc22  // ldaxr w2, [x1]
                    .word 0x8803fc24  // stlxr w3, w4, [x1]
            """);
        assertEquals(0x5566_7788L, r.x(2));
        assertEquals(0, r.x(3));
        assertEquals(0x1122_3344_ffff_ffffL, var(r, 0));
    }

    @Test
    void exclusivePairsOfXRegistersLoadAndStoreSixteenBytes() {
        var r = run("""
                    mov x4, #1
                    mov x6, #2
                    .word 0xc87f1422  // ldxp x2, x5, [x1]
                    .word 0xc8231824  // stxp w3, x4, x6, [x1]
            """);
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
        assertEquals(0x99aa_bbcc_ddee_ff00L, r.x(5));
        assertEquals(0, r.x(3));
        assertEquals(1, var(r, 0));
        assertEquals(2, var(r, 8));
    }

    @Test
    void exclusivePairsOfWRegistersLoadAndStoreEightBytes() {
        var r = run("""
                    mov x4, #-1
                    mov x6, #2
                    .word 0x887f9422  // ldaxp w2, w5, [x1]
                    .word 0x88239824  // stlxp w3, w4, w6, [x1]
            """);
        assertEquals(0x5566_7788L, r.x(2));
        assertEquals(0x1122_3344L, r.x(5));
        assertEquals(0, r.x(3));
        assertEquals(0x2_ffff_ffffL, var(r, 0));
    }

    @Test
    void aStoreToEitherHalfByAnotherVcpuMakesStxpFail() {
        Machine m = new Machine("""
                    adr x1, var
                    .word 0xc87f1422  // ldxp x2, x5, [x1]
                    hvc #0
                    .word 0xc8231824  // stxp w3, x4, x6, [x1]
                    hvc #0
            intruder:
                    adr x1, var
                    str xzr, [x1, #8]
            """ + DATA);
        A64Cpu cpu = interleave(m, "intruder");
        assertEquals(1, cpu.x(3));
        assertEquals(0x1122_3344_5566_7788L, m.load64(m.symbol("var")));
    }

    @Test
    void aMisalignedExclusiveIsAnAlignmentFault() {
        var r = Machine.run("""
                    adr x1, var
                    add x1, x1, #4
            """ + LDXR + DATA);
        assertEquals(0x9600_0021L, r.cpu().esr(), "data abort, same EL, DFSC alignment fault");
    }

    @Test
    void anExclusivePairAlignedOnlyToEightBytesCrashes() {
        var r = Machine.run("""
                    adr x1, var
                    add x1, x1, #8
                    .word 0xc87f1422  // ldxp x2, x5, [x1]
            """ + DATA);
        assertInstanceOf(Exit.Crash.class, r.exit());
    }

    @Test
    void anExclusiveOutsideRamCrashes() {
        var r = Machine.run("        ldr x1, =0x09000000\n" + LDXR);
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertTrue(crash.reason().contains("not in RAM"), crash.reason());
    }

    @Test
    void loadAcquireOfEverySizeZeroExtends() {
        var r = run("""
                    mov x2, #-1
                    .word 0xc8dffc22  // ldar x2, [x1]
                    mov x5, x2
                    .word 0x88dffc22  // ldar w2, [x1]
                    mov x6, x2
                    .word 0x48dffc22  // ldarh w2, [x1]
                    mov x7, x2
                    .word 0x08dffc22  // ldarb w2, [x1]
            """);
        assertEquals(0x1122_3344_5566_7788L, r.x(5));
        assertEquals(0x5566_7788L, r.x(6));
        assertEquals(0x7788L, r.x(7));
        assertEquals(0x88L, r.x(2));
    }

    @Test
    void storeReleaseOfEverySizeWritesOnlyItsBytes() {
        var r = run("""
                    mov x4, #-1
                    .word 0x089ffc24  // stlrb w4, [x1]
                    add x1, x1, #2
                    .word 0x489ffc24  // stlrh w4, [x1]
                    add x1, x1, #6
                    .word 0x889ffc24  // stlr w4, [x1]
                    add x1, x1, #8
                    .word 0xc89ffc24  // stlr x4, [x1]
            """);
        assertEquals(0x1122_3344_ffff_77ffL, var(r, 0));
        assertEquals(0x99aa_bbcc_ffff_ffffL, var(r, 8));
        assertEquals(-1L, var(r, 16));
    }

    @Test
    void loadAcquireOutsideRamIsAnMmioRead() {
        Machine m = new Machine("        ldr x1, =0x09000000\n        .word 0x88dffc22  // ldar w2, [x1]\n" + HVC);
        A64Cpu cpu = m.cpu(0);
        assertEquals(new Exit.MmioRead(0x0900_0000L, 4), cpu.run(100));
        cpu.completeMmioRead(0x1_2345_6789L);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        assertEquals(0x2345_6789L, cpu.x(2));
    }

    @Test
    void storeReleaseOutsideRamIsAnMmioWrite() {
        var r = Machine.run("""
                    ldr x1, =0x09000000
                    mov x4, #0x1234
                    .word 0x489ffc24  // stlrh w4, [x1]
            """);
        assertEquals(new Exit.MmioWrite(0x0900_0000L, 2, 0x1234), r.exit());
    }

    @Test
    void loadLoAcquireAndStoreLoReleaseAreUndefinedWithoutLor() {
        assertInstanceOf(
                Exit.Crash.class,
                Machine.run(".word 0xc8df7c22  // ldlar x2, [x1]\n").exit());
        assertInstanceOf(
                Exit.Crash.class,
                Machine.run(".word 0xc89f7c22  // stllr x2, [x1]\n").exit());
    }

    @Test
    void casStoresWhenMemoryHoldsTheComparedValue() {
        var r = run("""
                    ldr x2, [x1]
                    mov x4, #42
                    .word 0xc8a27c24  // cas x2, x4, [x1]
            """);
        assertEquals(42, var(r, 0));
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
    }

    @Test
    void casThatDiffersLeavesMemoryAndReturnsTheOldValue() {
        var r = run("""
                    mov x2, #1
                    mov x4, #42
                    .word 0xc8a27c24  // cas x2, x4, [x1]
            """);
        assertEquals(0x1122_3344_5566_7788L, var(r, 0));
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
    }

    @Test
    void casOfAWordComparesOnlyTheLowHalfAndZeroExtends() {
        var r = run("""
                    mov x2, #0x7788
                    movk x2, #0x5566, lsl #16
                    movk x2, #0xffff, lsl #48
                    mov x4, #-1
                    .word 0x88e2fc24  // casal w2, w4, [x1]
            """);
        assertEquals(0x1122_3344_ffff_ffffL, var(r, 0));
        assertEquals(0x5566_7788L, r.x(2));
    }

    @Test
    void casOfAByteAndOfAHalfwordTouchOnlyTheirBytes() {
        var r = run("""
                    mov x2, #0x88
                    mov x4, #0x1ff
                    .word 0x08a27c24  // casb w2, w4, [x1]
                    mov x5, x2
                    add x1, x1, #6
                    mov x2, #0x1122
                    mov x4, #0xabcd
                    .word 0x48a2fc24  // caslh w2, w4, [x1]
            """);
        assertEquals(0xabcd_3344_5566_77ffL, var(r, 0));
        assertEquals(0x88, r.x(5));
        assertEquals(0x1122, r.x(2));
    }

    @Test
    void caspOfXRegistersSwapsSixteenBytesWhenBothHalvesMatch() {
        var r = run("""
                    ldp x2, x3, [x1]
                    mov x4, #1
                    mov x5, #2
                    .word 0x48227c24  // casp x2, x3, x4, x5, [x1]
            """);
        assertEquals(1, var(r, 0));
        assertEquals(2, var(r, 8));
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
        assertEquals(0x99aa_bbcc_ddee_ff00L, r.x(3));
    }

    @Test
    void caspThatDiffersInTheHighHalfLeavesMemoryAndReturnsIt() {
        var r = run("""
                    ldr x2, [x1]
                    mov x3, #0
                    mov x4, #1
                    mov x5, #2
                    .word 0x48227c24  // casp x2, x3, x4, x5, [x1]
            """);
        assertEquals(0x1122_3344_5566_7788L, var(r, 0));
        assertEquals(0x99aa_bbcc_ddee_ff00L, var(r, 8));
        assertEquals(0x1122_3344_5566_7788L, r.x(2));
        assertEquals(0x99aa_bbcc_ddee_ff00L, r.x(3));
    }

    @Test
    void caspOfWRegistersComparesAndSwapsEightBytes() {
        var r = run("""
                    ldr w2, [x1]
                    ldr w3, [x1, #4]
                    mov x4, #-1
                    mov x5, #2
                    .word 0x0862fc24  // caspal w2, w3, w4, w5, [x1]
            """);
        assertEquals(0x2_ffff_ffffL, var(r, 0));
        assertEquals(0x5566_7788L, r.x(2));
        assertEquals(0x1122_3344L, r.x(3));
    }

    @Test
    void caspWithAnOddRegisterIsUndefined() {
        var r = Machine.run(".word 0x48230002  // casp with Rs = x3\n");
        assertInstanceOf(Exit.Crash.class, r.exit());
    }
}
