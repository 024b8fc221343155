package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.api.Test;

/**
 * Advanced SIMD integer operations as glibc's string routines chain them (each checked against
 * qemu-aarch64; {@link SimdReferenceTest} compares every class on random encodings).
 */
class SimdIntegerTest {
    static A64Cpu run(long v0lo, long v0hi, int... words) {
        StringBuilder src = new StringBuilder();
        for (int w : words) {
            src.append(String.format(".word 0x%08x%n", w));
        }
        src.append("hvc #0\n");
        A64Cpu cpu = new Machine(src.toString()).cpu(0);
        cpu.setV(0, v0lo, v0hi);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        return cpu;
    }

    @Test
    void strlenSyndromeMarksTheFirstZeroByteWithANibble() {
        // "abc\0" then more bytes: cmeq v1.16b, v0.16b, #0; shrn v1.8b, v1.8h, #4; fmov x1, d1
        A64Cpu cpu = run(0x6867_6665_0063_6261L, 0x7060_5040_3020_1000L, 0x4e209801, 0x0f0c8421, 0x9e660021);
        assertEquals(0xf_0000_f000L, cpu.x(1)); // bytes 3 and 8 are zero: nibbles 3 and 8
        assertEquals(3, Long.numberOfTrailingZeros(cpu.x(1)) / 4);
    }

    @Test
    void umaxvFindsTheLargestByte() {
        A64Cpu cpu = run(0x0102_0304_0506_0708L, 0x00f0_0000_0000_0000L, 0x6e30a802); // umaxv b2, v0.16b
        assertEquals(0xf0, cpu.vLow(2));
        assertEquals(0, cpu.vHigh(2));
    }

    @Test
    void tblPicksBytesAndGivesZeroForIndicesOutOfRange() {
        A64Cpu cpu = new Machine(".word 0x4e060005\nhvc #0\n").cpu(0); // tbl v5.16b, {v0.16b}, v6.16b
        cpu.setV(0, 0x0706_0504_0302_0100L, 0x0f0e_0d0c_0b0a_0908L);
        cpu.setV(6, 0x0000_0000_0000_ff0fL, 0x10L);
        cpu.run(10);
        assertEquals(0x000fL, cpu.vLow(5) & 0xffff);
        assertEquals(0, cpu.vHigh(5));
    }

    @Test
    void moviReplicatesAByteAndExtTakesBytesAcrossTwoRegisters() {
        // movi v7.16b, #0x41; ext v8.16b, v0.16b, v7.16b, #15
        A64Cpu cpu = run(0, 0x9900_0000_0000_0000L, 0x4f02e427, 0x6e077808);
        assertEquals(0x4141_4141_4141_4141L, cpu.vLow(7));
        assertEquals(0x4141_4141_4141_4199L, cpu.vLow(8));
        assertEquals(0x4141_4141_4141_4141L, cpu.vHigh(8));
    }

    @Test
    void cntCountsBitsPerByteAndAddvSumsThem() {
        // cnt v10.8b, v0.8b; addv b12, v10.8b
        A64Cpu cpu = run(0xff01_0300_0000_0007L, -1L, 0x0e20580a, 0x0e31b94c);
        assertEquals(0x0801_0200_0000_0003L, cpu.vLow(10));
        assertEquals(0, cpu.vHigh(10));
        assertEquals(14, cpu.vLow(12));
    }
}
