package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The data-processing instructions beyond the everyday ones, one behaviour per test. Our assembler
 * lacks their mnemonics, so they are written as .word with GNU as's disassembly beside them.
 */
class DataProcessingTest {
    static final String STOP = "\n        hvc #0\n";

    @Test
    void adrpGivesThe4KiBPageOfItsTargetWhereverItStands() {
        var r = Machine.run("""
            start:
                b 1f
                .space 0x1234
            1:  adrp x0, target
                adr x1, start
                hvc #0
                .space 0x2000
            target:
                nop
            """);
        assertEquals(r.machine().symbol("target") & ~0xfffL, r.x(0));
        assertEquals(Machine.BASE, r.x(1));
    }

    @Test
    void adrpReachesBackwardsToThePageBelow() {
        var r = Machine.run("""
            nop
            .word 0xf0ffffe0         // adrp x0, . - 0x1000
            """ + STOP);
        assertEquals(Machine.BASE - 0x1000, r.x(0));
    }

    @Test
    void adcAddsTheCarryFlag() {
        var r = Machine.run("""
            mov x0, #5
            mov x1, #7
            cmp x0, #0               // C = 1: no borrow
            .word 0x9a010002         // adc x2, x0, x1
            cmp x0, #6               // C = 0: borrow
            .word 0x9a010003         // adc x3, x0, x1
            """ + STOP);
        assertEquals(13, r.x(2));
        assertEquals(12, r.x(3));
    }

    @Test
    void adcsCarriesOutOfBit63EvenWhenOnlyTheCarryInOverflows() {
        var r = Machine.run("""
            mov x0, #-1
            mov x1, #0
            cmp x1, #0               // C = 1
            .word 0xba010002         // adcs x2, x0, x1: -1 + 0 + 1
            cset x3, cs
            cset x4, eq
            cset x5, vs
            """ + STOP);
        assertEquals(List.of(0L, 1L, 1L, 0L), List.of(r.x(2), r.x(3), r.x(4), r.x(5)));
    }

    @Test
    void adcsOnWRegistersCarriesOutOfBit31() {
        var r = Machine.run("""
            mov x0, #0xffffffff
            mov x1, #1
            cmn xzr, xzr             // C = 0
            .word 0x3a010002         // adcs w2, w0, w1
            cset x3, cs
            """ + STOP);
        assertEquals(0, r.x(2));
        assertEquals(1, r.x(3));
    }

    @Test
    void sbcSubtractsOneMoreWhenTheCarryIsClear() {
        var r = Machine.run("""
            mov x0, #10
            mov x1, #3
            cmp x0, #0               // C = 1
            .word 0xda010002         // sbc x2, x0, x1
            cmp x1, x0               // C = 0
            .word 0xda010003         // sbc x3, x0, x1
            """ + STOP);
        assertEquals(7, r.x(2));
        assertEquals(6, r.x(3));
    }

    @Test
    void sbcsChainsA128BitSubtraction() {
        // 0x1_0000000000000000 - 1 = 0x0_ffffffffffffffff: SUBS on the low halves, SBCS on the high ones.
        var r = Machine.run("""
            mov x0, #0               // low a
            mov x1, #1               // high a
            mov x2, #1               // low b
            subs x4, x0, x2
            .word 0xfa1f0025         // sbcs x5, x1, xzr
            cset x6, cs
            """ + STOP);
        assertEquals(-1L, r.x(4));
        assertEquals(0, r.x(5));
        assertEquals(1, r.x(6));
    }

    @Test
    void ngcNegatesWithTheBorrow() {
        var r = Machine.run("""
            mov x1, #5
            cmp x1, #6               // C = 0
            .word 0xda0103e3         // ngc x3, x1: 0 - 5 - 1
            """ + STOP);
        assertEquals(-6, r.x(3));
    }

    @Test
    void clsCountsTheBitsBelowTheSignBitThatEqualIt() {
        var r = Machine.run("""
            mov x0, #0
            .word 0xdac01401         // cls x1, x0
            mov x0, #-1
            .word 0xdac01403         // cls x3, x0
            mov x0, #1
            .word 0xdac01404         // cls x4, x0
            mov x0, #0xff00000000000000
            .word 0xdac01405         // cls x5, x0
            mov x0, #0x40000000
            .word 0x5ac01406         // cls w6, w0
            """ + STOP);
        assertEquals(List.of(63L, 63L, 62L, 7L, 0L), List.of(r.x(1), r.x(3), r.x(4), r.x(5), r.x(6)));
    }

    @Test
    void longMultipliesTakeSignedOrUnsignedWordsToADoubleword() {
        var r = Machine.run("""
            mov x0, #0xfffd
            movk x0, #0xffff, lsl #16
            movk x0, #1, lsl #32     // w0 = -3; the upper half is ignored
            mov x1, #5
            mov x5, #100
            .word 0x9b217c02         // smull x2, w0, w1
            .word 0x9ba17c03         // umull x3, w0, w1
            .word 0x9b211404         // smaddl x4, w0, w1, x5
            .word 0x9ba19407         // umsubl x7, w0, w1, x5
            .word 0x9b21fc06         // smnegl x6, w0, w1
            .word 0x9b219408         // smsubl x8, w0, w1, x5
            .word 0x9ba11409         // umaddl x9, w0, w1, x5
            """ + STOP);
        assertEquals(-15, r.x(2));
        assertEquals(0xfffffffdL * 5, r.x(3));
        assertEquals(85, r.x(4));
        assertEquals(100 - 0xfffffffdL * 5, r.x(7));
        assertEquals(15, r.x(6));
        assertEquals(115, r.x(8));
        assertEquals(100 + 0xfffffffdL * 5, r.x(9));
    }

    @Test
    void crc32OfTheCheckStringIsTheStandardCheckValue() {
        // CRC-32 (ISO-HDLC) of "123456789" is 0xcbf43926: initial and final inversion are the
        // program's, the instructions only fold bytes in, here 8 through X and the last through B.
        var r = Machine.run("""
                adr x2, text
                ldr x1, [x2]
                mov w0, #-1
                .word 0x9ac14c00         // crc32x w0, w0, x1
                ldrb w1, [x2, #8]
                .word 0x1ac14000         // crc32b w0, w0, w1
                mvn w0, w0
                hvc #0
                .balign 8
            text:
                .ascii "123456789"
            """);
        assertEquals(0xcbf43926L, r.x(0));
    }

    @Test
    void crc32cOfTheCheckStringIsTheStandardCheckValue() {
        // CRC-32C (Castagnoli) of "123456789" is 0xe3069283; W, H and B forms this time.
        var r = Machine.run("""
                adr x2, text
                mov w0, #-1
                ldr w1, [x2]
                .word 0x1ac15800         // crc32cw w0, w0, w1
                ldr w1, [x2, #4]
                .word 0x1ac15800         // crc32cw w0, w0, w1
                ldrb w1, [x2, #8]
                .word 0x1ac15000         // crc32cb w0, w0, w1
                mvn w0, w0
                hvc #0
                .balign 8
            text:
                .ascii "123456789"
            """);
        assertEquals(0xe3069283L, r.x(0));
    }

    @Test
    void crc32hFoldsTheLowHalfwordOnly() {
        var r = Machine.run("""
            mov x1, #0x3231
            movk x1, #0xffff, lsl #16
            mov w0, #-1
            .word 0x1ac14400         // crc32h w0, w0, w1: "12", the rest of w1 ignored
            mov x3, #0x31
            mov w4, #-1
            .word 0x1ac34084         // crc32b w4, w4, w3: "1"
            mov x3, #0x32
            .word 0x1ac34084         // crc32b w4, w4, w3: "2"
            """ + STOP);
        assertEquals(r.x(4), r.x(0));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "0x91810420 addg x0, x1, #16, #1 (MTE)",
                "0x9adf1020 irg x0, x1 (MTE)",
                "0xba018402 rmif x0, #3, #2 (v8.4 FlagM)",
                "0x3a00080d setf8 w0 (v8.4 FlagM)",
                "0xdac10020 pacia x0, x1 (v8.3 PAC, not in the HINT space)",
                "0x9ac14000 crc32b with sf = 1",
                "0x1ac14c00 crc32x with sf = 0",
                "0x1b217c02 smull with sf = 0",
                "0x5ac00c01 rev (64-bit opcode) with sf = 0",
                "0x13400000 sbfm with sf = 0 and N = 1"
            })
    void reservedAndLaterEncodingsAreUndefined(String description) {
        String word = description.substring(0, description.indexOf(' '));
        var r = Machine.run("        nop\n        .word " + word + STOP);
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertEquals(Machine.BASE + 4, crash.pc());
        assertEquals(Integer.parseUnsignedInt(word.substring(2), 16), crash.instruction());
    }
}
