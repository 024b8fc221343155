package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Data processing (1 source): RBIT, REV16, REV32, REV, CLZ, CLS; (2 source): UDIV, SDIV (division
 * by zero gives 0), LSLV, LSRV, ASRV, RORV, CRC32B/H/W/X and CRC32CB/H/W/X; (3 source): MADD,
 * MSUB, SMADDL, SMSUBL, UMADDL, UMSUBL, SMULH, UMULH. Each returns null or the exit, leaving the PC
 * to {@link DataRegister}.
 */
final class DataSources {
    private static final int[] CRC32 = crcTable(0xedb8_8320);
    private static final int[] CRC32C = crcTable(0x82f6_3b78);

    private DataSources() {}

    static Exit oneSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn) {
        int opcode = bits(insn, 15, 10);
        // opcode2 (bits 20:16) = 1 is v8.3's PAC*/AUT*/XPAC*: UNDEFINED here, as is all of S = 1.
        if (bits(insn, 20, 16) != 0 || bit(insn, 29) || opcode > 5 || (opcode == 3 && !sf)) {
            return cpu.undefined(insn);
        }
        long a = cpu.reg(rn, sf);
        long result = switch (opcode) {
            case 0 -> sf ? Long.reverse(a) : Integer.reverse((int) a);
            case 1 -> rev16(a);
            case 2 -> sf ? rev32(a) : Integer.reverseBytes((int) a);
            case 3 -> Long.reverseBytes(a);
            case 4 -> sf ? Long.numberOfLeadingZeros(a) : Integer.numberOfLeadingZeros((int) a);
            // CLS: the leading bits equal to the sign bit, the sign bit itself not counted.
            default -> sf ? Long.numberOfLeadingZeros(((a ^ (a >> 63)) << 1) | 1) : cls32((int) a);
        };
        cpu.setReg(rd, result, sf);
        return null;
    }

    private static int cls32(int w) {
        return Integer.numberOfLeadingZeros(((w ^ (w >> 31)) << 1) | 1);
    }

    private static long rev16(long a) {
        return ((a & 0x00ff00ff00ff00ffL) << 8) | ((a >>> 8) & 0x00ff00ff00ff00ffL);
    }

    private static long rev32(long a) {
        long lo = Integer.reverseBytes((int) a) & Bits.W;
        long hi = Integer.reverseBytes((int) (a >>> 32)) & Bits.W;
        return (hi << 32) | lo;
    }

    static Exit twoSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        if (bit(insn, 29)) {
            return cpu.undefined(insn);
        }
        int opcode = bits(insn, 15, 10);
        if ((opcode & 0b111000) == 0b010000) {
            return crc(cpu, insn, sf, rd, rn, rm);
        }
        long a = cpu.reg(rn, sf);
        long b = cpu.reg(rm, sf);
        long result;
        switch (opcode) {
            case 2 -> result = b == 0 ? 0 : Long.divideUnsigned(a, b);
            case 3 -> {
                if (b == 0) {
                    result = 0;
                } else if (sf) {
                    result = (a == Long.MIN_VALUE && b == -1) ? a : a / b;
                } else {
                    int ia = (int) a;
                    int ib = (int) b;
                    result = (ia == Integer.MIN_VALUE && ib == -1) ? ia : ia / ib;
                }
            }
            case 8, 9, 10, 11 -> result = Arith.shift(a, opcode - 8, (int) (b & (sf ? 63 : 31)), sf);
            default -> {
                return cpu.undefined(insn);
            }
        }
        cpu.setReg(rd, result, sf);
        return null;
    }

    /**
     * CRC32{B,H,W,X} and CRC32C{B,H,W,X} (opcode 0b010 C sz): the bit-reflected CRC of the low 1, 2,
     * 4 or 8 bytes of Rm, little-endian, onto the accumulator Wn, with no inversion before or after;
     * only the X forms have sf = 1.
     */
    private static Exit crc(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int sz = bits(insn, 11, 10);
        if (sf != (sz == 3)) {
            return cpu.undefined(insn);
        }
        int[] table = bit(insn, 12) ? CRC32C : CRC32;
        int crc = (int) cpu.reg(rn);
        long data = cpu.reg(rm);
        for (int i = 0; i < 1 << sz; i++) {
            crc = table[(crc ^ (int) data) & 0xff] ^ (crc >>> 8);
            data >>>= 8;
        }
        cpu.setReg(rd, crc, false);
        return null;
    }

    private static int[] crcTable(int reflectedPolynomial) {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int c = i;
            for (int k = 0; k < 8; k++) {
                c = (c & 1) != 0 ? (c >>> 1) ^ reflectedPolynomial : c >>> 1;
            }
            table[i] = c;
        }
        return table;
    }

    /**
     * By op31 (bits 23:21) and o0 (bit 15): 000 MADD/MSUB, 001 and 101 the signed and unsigned
     * long forms (32 x 32 + 64 bits), 010 and 110 the high halves of 64 x 64 bits; only MADD and
     * MSUB have a 32-bit form.
     */
    static Exit threeSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int op31 = bits(insn, 23, 21);
        boolean o0 = bit(insn, 15);
        int ra = bits(insn, 14, 10);
        if (bits(insn, 30, 29) != 0 || (op31 != 0 && !sf)) {
            return cpu.undefined(insn);
        }
        if (op31 == 3 || op31 == 4 || op31 == 7 || ((op31 == 2 || op31 == 6) && o0)) {
            return cpu.undefined(insn);
        }
        multiply(cpu, rd, rn, rm, ra, sf, op31, o0);
        return null;
    }

    /** A valid 3-source encoding, decoded: for the interpreter and translated code. */
    static void multiply(A64Cpu cpu, int rd, int rn, int rm, int ra, boolean sf, int op31, boolean o0) {
        long result;
        switch (op31) {
            case 0 -> {
                long product = cpu.reg(rn, sf) * cpu.reg(rm, sf);
                result = o0 ? cpu.reg(ra, sf) - product : cpu.reg(ra, sf) + product;
            }
            case 1, 5 -> {
                long product = op31 == 1
                        ? (long) (int) cpu.reg(rn) * (int) cpu.reg(rm)
                        : (cpu.reg(rn) & Bits.W) * (cpu.reg(rm) & Bits.W);
                result = o0 ? cpu.reg(ra) - product : cpu.reg(ra) + product;
            }
            case 2 -> result = Math.multiplyHigh(cpu.reg(rn), cpu.reg(rm));
            default -> result = Math.unsignedMultiplyHigh(cpu.reg(rn), cpu.reg(rm));
        }
        cpu.setReg(rd, result, sf);
    }
}
