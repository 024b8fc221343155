package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Loads and stores of general-purpose registers (LoadStore, LoadStorePair), one behaviour per
 * test. Encodings our assembler lacks are words from GNU as, named in a comment.
 */
class LoadStoreTest {
    static final String STOP = "\n        hvc #0\n";
    static final String DATA = """
                hvc #0
                .balign 16
        buf:    .quad 0x8899aabbccddeeff, 0x0011223344556677, 0xfedcba9876543210, 0
                .space 64
        """;

    private static Machine.Result run(String code) {
        var r = Machine.run("        adr x0, buf\n" + code + DATA);
        assertInstanceOf(Exit.Hypercall.class, r.exit(), () -> r.exit().toString());
        return r;
    }

    private static long buf(Machine.Result r, int offset) {
        return r.machine().load64(r.machine().symbol("buf") + offset);
    }

    @Test
    void signExtendingLoadsToWClearTheUpperHalf() {
        var r = run("""
                    mov x1, #-1
                    mov x2, #-1
                    ldrsb w1, [x0]            // 0xff
                    ldrsh w2, [x0, #6]        // 0x8899
            """);
        assertEquals(0xffff_ffffL, r.x(1));
        assertEquals(0xffff_8899L, r.x(2));
    }

    @Test
    void signExtendingLoadsToXExtendToSixtyFourBits() {
        var r = run("""
                    ldrsb x1, [x0, #1]        // 0xee
                    ldrsh x2, [x0, #2]        // 0xccdd
                    ldrsw x3, [x0, #4]        // 0x8899aabb
                    ldrsb x4, [x0, #8]        // 0x77
            """);
        assertEquals(0xffff_ffff_ffff_ffeeL, r.x(1));
        assertEquals(0xffff_ffff_ffff_ccddL, r.x(2));
        assertEquals(0xffff_ffff_8899_aabbL, r.x(3));
        assertEquals(0x77, r.x(4));
    }

    @Test
    void zeroExtendingLoadsClearTheUpperBits() {
        var r = run("""
                    mov x1, #-1
                    mov x2, #-1
                    mov x3, #-1
                    ldrb w1, [x0, #7]
                    ldrh w2, [x0, #6]
                    ldr w3, [x0, #4]
            """);
        assertEquals(0x88, r.x(1));
        assertEquals(0x8899, r.x(2));
        assertEquals(0x8899_aabbL, r.x(3));
    }

    @Test
    void narrowStoresWriteOnlyTheirBytes() {
        var r = run("""
                    mov x1, #0x1234
                    movk x1, #0x5678, lsl #16
                    strb w1, [x0]
                    strh w1, [x0, #2]
                    str w1, [x0, #8]
            """);
        assertEquals(0x8899_aabb_1234_ee34L, buf(r, 0));
        assertEquals(0x0011_2233_5678_1234L, buf(r, 8));
    }

    @Test
    void registerOffsetsExtendAndScaleTheIndex() {
        var r = run("""
                    mov x1, #-1
                    mov x2, #1
                    mov x3, #9
                    mov x4, #0x100000001
                    add x10, x0, #16
                    .word 0xb861d945          // ldr w5, [x10, w1, sxtw #2]: buf + 12
                    .word 0xf8644806          // ldr x6, [x0, w4, uxtw]: buf + 1
                    .word 0x78a2f807          // ldrsh x7, [x0, x2, sxtx #1]: buf + 2
                    .word 0x38637808          // ldrb w8, [x0, x3, lsl #0]: buf + 9
                    ldr x9, [x0, x2, lsl #3]
            """);
        assertEquals(0x0011_2233L, r.x(5), "a negative W index, sign-extended and scaled");
        assertEquals(0x7788_99aa_bbcc_ddeeL, r.x(6));
        assertEquals(0xffff_ffff_ffff_ccddL, r.x(7));
        assertEquals(0x66, r.x(8));
        assertEquals(0x0011_2233_4455_6677L, r.x(9));
    }

    @Test
    void aRegisterOffsetWithoutAWordOrDoublewordIndexIsUndefined() {
        var r = Machine.run(".word 0xf8600800  // ldr x0, [x0, x0, uxtb]: option 000 is unallocated\n");
        assertInstanceOf(Exit.Crash.class, r.exit());
    }

    @Test
    void preIndexWritesBackBeforeTheAccessAndPostIndexAfter() {
        var r = run("""
                    mov x1, x0
                    ldr x2, [x0, #8]!
                    ldrh w3, [x1], #16
                    ldur x4, [x0, #-7]
            """);
        long buf = r.machine().symbol("buf");
        assertEquals(buf + 8, r.x(0));
        assertEquals(0x0011_2233_4455_6677L, r.x(2));
        assertEquals(buf + 16, r.x(1));
        assertEquals(0xeeffL, r.x(3));
        assertEquals(0x7788_99aa_bbcc_ddeeL, r.x(4));
    }

    @Test
    void unscaledSignExtendingLoadsTakeNegativeOffsets() {
        var r = run("""
                    add x0, x0, #8
                    .word 0xb89fc012          // ldursw x18, [x0, #-4]
                    .word 0x78dfd013          // ldursh w19, [x0, #-3]
            """);
        assertEquals(0xffff_ffff_8899_aabbL, r.x(18));
        assertEquals(0xffff_99aaL, r.x(19));
    }

    @Test
    void unprivilegedLoadsAndStoresBehaveAsOrdinaryAccessesWithoutAnMmu() {
        var r = run("""
                    mov x10, #0x42
                    mov x14, #0x5151
                    .word 0xf8408809          // ldtr x9, [x0, #8]
                    .word 0x3800180a          // sttrb w10, [x0, #1]
                    .word 0x7880280b          // ldtrsh x11, [x0, #2]
                    .word 0xb880480c          // ldtrsw x12, [x0, #4]
                    .word 0x38c0080d          // ldtrsb w13, [x0]
                    add x0, x0, #16
                    .word 0x781fe80e          // sttrh w14, [x0, #-2]
            """);
        assertEquals(0x0011_2233_4455_6677L, r.x(9));
        assertEquals(0x8899_aabb_ccdd_42ffL, buf(r, 0));
        assertEquals(0xffff_ffff_ffff_ccddL, r.x(11));
        assertEquals(0xffff_ffff_8899_aabbL, r.x(12));
        assertEquals(0xffff_ffffL, r.x(13));
        assertEquals(0x5151_2233_4455_6677L, buf(r, 8));
    }

    @Test
    void prefetchesOfEveryFormAreNoOpsEvenOutsideRam() {
        var r = run("""
                    ldr x9, =0x09000000
                    mov x10, #3
                    .word 0xf9800120          // prfm pldl1keep, [x9]
                    .word 0xf9800520          // prfm pldl1keep, [x9, #8]
                    .word 0xf89fd133          // prfum pstl2strm, [x9, #-3]
                    .word 0xf8aa7920          // prfm pldl1keep, [x9, x10, lsl #3]
                    .word 0xd8ffffec          // prfm plil3keep, . - 4
                    mov x11, #7
            """);
        assertEquals(7, r.x(11));
        assertEquals(0x0900_0000L, r.x(9), "no writeback");
    }

    @Test
    void literalLoadsOfWordSignedWordAndDoubleword() {
        var r = run("""
                    ldr w1, lit
                    ldrsw x2, lit
                    ldr x3, lit
                    b 1f
                    .balign 8
            lit:    .quad 0x00000001fffffffe
            1:
            """);
        assertEquals(0xffff_fffeL, r.x(1));
        assertEquals(-2, r.x(2));
        assertEquals(0x1_ffff_fffeL, r.x(3));
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(
            strings = {
                "b9c00000", // ldrsw with opc 11 (size 10)
                "f9c00000", // size 11 opc 11
                "f8800c00", // prfm pre-index
                "f8800400", // prfm post-index
                "f8800800", // ldtr with size 11 opc 10 (no unprivileged prefetch)
                "b8c00800", // ldtr with size 10 opc 11
                "f8a00c00", // ldrab (PAC, not advertised)
                "f8200400", // ldraa (PAC, not advertised)
            })
    void unallocatedSizeAndOpcCombinationsAreUndefined(String word) {
        var r = Machine.run(".word 0x" + word + "\n");
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertEquals((int) Long.parseLong(word, 16), crash.instruction());
    }

    @Test
    void pairsOfWordsWithPostAndPreIndex() {
        var r = run("""
                    mov x1, x0
                    .word 0x28c11003          // ldp w3, w4, [x0], #8
                    add x0, x0, #32
                    .word 0x29bf1003          // stp w3, w4, [x0, #-8]!
            """);
        long buf = r.machine().symbol("buf");
        assertEquals(0xccdd_eeffL, r.x(3));
        assertEquals(0x8899_aabbL, r.x(4));
        assertEquals(buf + 32, r.x(0));
        assertEquals(0x8899_aabb_ccdd_eeffL, buf(r, 32));
    }

    @Test
    void ldpswSignExtendsBothWordsInEveryIndexingMode() {
        var r = run("""
                    .word 0x69401805          // ldpsw x5, x6, [x0]
                    mov x7, x5
                    mov x8, x6
                    .word 0x69c11805          // ldpsw x5, x6, [x0, #8]!
                    .word 0x68ff2809          // ldpsw x9, x10, [x0], #-8
            """);
        long buf = r.machine().symbol("buf");
        assertEquals(0xffff_ffff_ccdd_eeffL, r.x(7));
        assertEquals(0xffff_ffff_8899_aabbL, r.x(8));
        assertEquals(0x4455_6677L, r.x(5));
        assertEquals(0x0011_2233L, r.x(6));
        assertEquals(0x4455_6677L, r.x(9));
        assertEquals(0x0011_2233L, r.x(10));
        assertEquals(buf, r.x(0));
    }

    @Test
    void nonTemporalPairsLoadAndStoreWithoutWriteback() {
        var r = run("""
                    mov x1, x0
                    .word 0xa8410801          // ldnp x1, x2, [x0, #16]
                    mov x1, #5
                    mov x2, #6
                    add x3, x0, #40
                    .word 0x283f0861          // stnp w1, w2, [x3, #-8]
            """);
        long buf = r.machine().symbol("buf");
        assertEquals(buf, r.x(0));
        assertEquals(0x6_0000_0005L, buf(r, 32));
    }

    @Test
    void nonTemporalPairLoadOfXRegistersReadsBothHalves() {
        var r = run(".word 0xa8410801  // ldnp x1, x2, [x0, #16]\n");
        assertEquals(0xfedc_ba98_7654_3210L, r.x(1));
        assertEquals(0, r.x(2));
    }

    @ParameterizedTest(name = "0x{0}")
    @ValueSource(
            strings = {
                "68400000", // ldnp with opc 01 (no LDNPSW)
                "69000000", // stgp (MTE)
                "e9400000", // opc 11
                "68800000", // stgp post-index (MTE)
            })
    void unallocatedPairEncodingsAreUndefined(String word) {
        var r = Machine.run(".word 0x" + word + "\n");
        assertInstanceOf(Exit.Crash.class, r.exit());
    }

    @Test
    void aPairOutsideRamCrashesWithTheReasonAndNoWriteback() {
        var r = Machine.run("""
                    ldr x0, =0x09000000
                    ldp x1, x2, [x0, #16]!
            """);
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertTrue(crash.reason().contains("0x9000010"), crash.reason());
        assertEquals(0x0900_0000L, r.x(0));
    }
}
