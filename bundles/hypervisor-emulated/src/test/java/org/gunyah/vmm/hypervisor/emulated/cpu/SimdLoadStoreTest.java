package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Loads and stores of the SIMD and FP registers, the behaviours worth naming; {@link
 * SimdReferenceTest} compares every addressing mode and structure form with qemu.
 */
class SimdLoadStoreTest {
    static final String STOP = "\n        hvc #0\n";
    static final String DATA = """
            .balign 16
        data:
            .quad 0x0706050403020100, 0x0f0e0d0c0b0a0908
            .quad 0x1716151413121110, 0x1f1e1d1c1b1a1918
            .quad 0, 0, 0, 0
        """;

    @Test
    void ldrQLoadsAllSixteenBytesAndStrQStoresThem() {
        var r = Machine.run("""
            adr x1, data
            .word 0x3dc00020        // ldr q0, [x1]
            .word 0x3d800820        // str q0, [x1, #32]
            ldp x2, x3, [x1, #32]
            """ + STOP + DATA);
        assertEquals(0x0706050403020100L, r.cpu().vLow(0));
        assertEquals(0x0f0e0d0c0b0a0908L, r.cpu().vHigh(0));
        assertEquals(0x0706050403020100L, r.x(2));
        assertEquals(0x0f0e0d0c0b0a0908L, r.x(3));
    }

    @Test
    void aScalarLoadZeroesTheRestOfTheRegister() {
        var r = Machine.run("""
            adr x1, data
            .word 0x3dc00022        // ldr q2, [x1]
            .word 0xbd400422        // ldr s2, [x1, #4]
            """ + STOP + DATA);
        assertEquals(0x07060504L, r.cpu().vLow(2));
        assertEquals(0, r.cpu().vHigh(2));
    }

    @Test
    void ld1OfTwoRegistersWithPostIndexAdvancesTheBaseByItsSize() {
        var r = Machine.run("""
            adr x1, data
            mov x5, x1
            .word 0x4cdfa024        // ld1 {v4.16b, v5.16b}, [x1], #32
            sub x6, x1, x5
            """ + STOP + DATA);
        assertEquals(32, r.x(6));
        assertEquals(0x1716151413121110L, r.cpu().vLow(5));
    }

    @Test
    void aSimdAccessOutsideRamCrashesNamingTheAddress() {
        var r = Machine.run("""
            mov x1, #0x1000
            .word 0x3dc00020        // ldr q0, [x1]
            """ + STOP);
        var crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertEquals(Machine.BASE + 4, crash.pc());
        assertTrue(crash.reason().contains("0x1000"), crash.reason());
    }
}
