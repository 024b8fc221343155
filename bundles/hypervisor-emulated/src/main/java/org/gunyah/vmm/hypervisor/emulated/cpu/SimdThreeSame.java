package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD three same, integer: the logical operations (AND, BIC, ORR, ORN, EOR, BSL, BIT,
 * BIF), ADD/SUB, the compares (CMEQ, CMTST, CMGT, CMGE, CMHI, CMHS), SHADD/UHADD, SRHADD/URHADD,
 * SHSUB/UHSUB, SQADD/UQADD/SQSUB/UQSUB (setting FPSR.QC), SSHL/USHL/SRSHL/URSHL, SMAX/UMAX, SMIN/
 * UMIN, SABD/UABD, SABA/UABA, MLA/MLS, MUL, PMUL, the pairwise ADDP, SMAXP/UMAXP, SMINP/UMINP,
 * and on {@link SimdSaturating} SQSHL/UQSHL, SQRSHL/UQRSHL, SQDMULH/SQRDMULH.
 * The floating-point half (opcode 11xxx) is {@link SimdFloat}.
 */
final class SimdThreeSame {
    private SimdThreeSame() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return execute(cpu, insn, false);
    }

    /** {@code scalar}: the Advanced SIMD scalar form, one lane (D, or any size for SQADD & co). */
    static Exit execute(A64Cpu cpu, int insn, boolean scalar) {
        int opcode = bits(insn, 15, 11);
        if (opcode >= 0b11000) {
            return SimdFloat.threeSame(cpu, insn, scalar);
        }
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        int size = bits(insn, 23, 22);
        int rm = bits(insn, 20, 16);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long mlo = cpu.vlo[rm];
        long mhi = cpu.vhi[rm];
        if (scalar && !scalarAllowed(opcode, size)) {
            return cpu.undefined(insn);
        }
        if (opcode == 0b00011) {
            long dlo = cpu.vlo[rd];
            long dhi = cpu.vhi[rd];
            int op = (u ? 4 : 0) | size;
            Vregs.setVector(cpu, rd, logical(op, dlo, nlo, mlo), logical(op, dhi, nhi, mhi), q);
            cpu.pc += 4;
            return null;
        }
        if (!scalar && !allowed(opcode, u, size, q)) {
            return cpu.undefined(insn);
        }
        boolean pairwise = opcode >= 0b10100 && opcode != 0b10110;
        int lanes = scalar ? 1 : (q ? 16 : 8) >> size;
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long a;
            long b;
            if (pairwise) {
                int j = 2 * i;
                boolean fromM = j >= lanes;
                long lo = fromM ? mlo : nlo;
                long hi = fromM ? mhi : nhi;
                a = Vregs.lane(lo, hi, j % lanes, size);
                b = Vregs.lane(lo, hi, j % lanes + 1, size);
            } else {
                a = Vregs.lane(nlo, nhi, i, size);
                b = Vregs.lane(mlo, mhi, i, size);
            }
            long r = lane(cpu, opcode, u, size, a, b, Vregs.lane(dlo, dhi, i, size)) & Bits.ones(8 << size);
            int bit = i << (3 + size);
            if (bit < 64) {
                rlo |= r << bit;
            } else {
                rhi |= r << (bit - 64);
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }

    private static boolean scalarAllowed(int opcode, int size) {
        return switch (opcode) {
            case 0b00001, 0b00101, 0b01001, 0b01011 -> true;
            case 0b10110 -> size == 1 || size == 2;
            case 0b00110, 0b00111, 0b01000, 0b01010, 0b10000, 0b10001 -> size == 3;
            default -> false;
        };
    }

    private static boolean allowed(int opcode, boolean u, int size, boolean q) {
        return switch (opcode) {
            case 0b00001, 0b00101, 0b00110, 0b00111, 0b01000, 0b01001, 0b01010, 0b01011, 0b10000, 0b10001 ->
                size != 3 || q;
            case 0b10111 -> !u && (size != 3 || q);
            case 0b10011 -> u ? size == 0 : size != 3; // PMUL: bytes only
            case 0b10110 -> size == 1 || size == 2; // SQDMULH, SQRDMULH
            default -> size != 3;
        };
    }

    static long logical(int op, long d, long n, long m) {
        return switch (op) {
            case 0 -> n & m;
            case 1 -> n & ~m;
            case 2 -> n | m;
            case 3 -> n | ~m;
            case 4 -> n ^ m;
            case 5 -> m ^ ((m ^ n) & d); // BSL
            case 6 -> d ^ ((d ^ n) & m); // BIT
            default -> d ^ ((d ^ n) & ~m); // BIF
        };
    }

    private static long lane(A64Cpu cpu, int opcode, boolean u, int size, long a, long b, long d) {
        int bits = 8 << size;
        long sa = Vregs.signed(a, size);
        long sb = Vregs.signed(b, size);
        long ones = Bits.ones(bits);
        return switch (opcode) {
            case 0b00000 -> u ? (a + b) >>> 1 : (sa + sb) >> 1; // lanes < 64 bits: no overflow
            case 0b00010 -> u ? (a + b + 1) >>> 1 : (sa + sb + 1) >> 1;
            case 0b00100 -> u ? (a - b) >> 1 : (sa - sb) >> 1;
            case 0b00001 -> saturate(cpu, u, size, a, b, true);
            case 0b00101 -> saturate(cpu, u, size, a, b, false);
            case 0b00110 -> (u ? Long.compareUnsigned(a, b) > 0 : sa > sb) ? ones : 0;
            case 0b00111 -> (u ? Long.compareUnsigned(a, b) >= 0 : sa >= sb) ? ones : 0;
            case 0b01000 -> shift(u, size, a, (byte) b, false);
            case 0b01010 -> shift(u, size, a, (byte) b, true);
            case 0b01001 -> SimdSaturating.shift(cpu, a, size, (byte) b, false, u, u);
            case 0b01011 -> SimdSaturating.shift(cpu, a, size, (byte) b, true, u, u);
            case 0b10110 -> SimdSaturating.doublingMultiplyHigh(cpu, a, b, size, u);
            case 0b01100 -> u ? (Long.compareUnsigned(a, b) >= 0 ? a : b) : (sa >= sb ? a : b);
            case 0b01101 -> u ? (Long.compareUnsigned(a, b) <= 0 ? a : b) : (sa <= sb ? a : b);
            case 0b01110 -> u ? Math.abs(a - b) : Math.abs(sa - sb);
            case 0b01111 -> d + (u ? Math.abs(a - b) : Math.abs(sa - sb));
            case 0b10000 -> u ? a - b : a + b;
            case 0b10001 -> (u ? a == b : (a & b) != 0) ? ones : 0;
            case 0b10010 -> u ? d - a * b : d + a * b;
            case 0b10011 -> u ? polyMul(a, b) : a * b;
            case 0b10100 -> u ? (Long.compareUnsigned(a, b) >= 0 ? a : b) : (sa >= sb ? a : b);
            case 0b10101 -> u ? (Long.compareUnsigned(a, b) <= 0 ? a : b) : (sa <= sb ? a : b);
            default -> a + b; // ADDP
        };
    }

    /** SQADD/UQADD/SQSUB/UQSUB of one lane, setting FPSR.QC when it saturates. */
    private static long saturate(A64Cpu cpu, boolean u, int size, long a, long b, boolean add) {
        int bits = 8 << size;
        long r;
        boolean sat;
        if (u) {
            if (add) {
                r = a + b;
                sat = bits == 64 ? Long.compareUnsigned(r, a) < 0 : (r >>> bits) != 0;
                if (sat) {
                    r = -1;
                }
            } else {
                sat = Long.compareUnsigned(a, b) < 0;
                r = sat ? 0 : a - b;
            }
        } else {
            long sa = Vregs.signed(a, size);
            long sb = Vregs.signed(b, size);
            long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
            long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
            if (bits == 64) {
                r = add ? sa + sb : sa - sb;
                boolean overflow = add ? ((sa ^ r) & (sb ^ r)) < 0 : ((sa ^ sb) & (sa ^ r)) < 0;
                sat = overflow;
                if (overflow) {
                    r = sa < 0 ? min : max;
                }
            } else {
                r = add ? sa + sb : sa - sb;
                sat = r < min || r > max;
                r = Math.max(min, Math.min(max, r));
            }
        }
        if (sat) {
            cpu.fpsr |= FpControl.QC;
        }
        return r;
    }

    /** SSHL/USHL (and the rounding SRSHL/URSHL): shift left by a signed byte, right if negative. */
    static long shift(boolean u, int size, long a, int by, boolean round) {
        int bits = 8 << size;
        long v = u ? a : Vregs.signed(a, size);
        if (by >= 0) {
            return by >= bits ? 0 : v << by;
        }
        int right = -by;
        if (right > bits) {
            return round ? 0 : u ? 0 : v >> 63;
        }
        long r;
        if (right == 64) {
            r = u ? 0 : v >> 63;
        } else {
            r = u ? v >>> right : v >> right;
        }
        if (round) {
            long roundBit = right == 0 ? 0 : (v >>> (right - 1)) & 1;
            r += roundBit;
        }
        return r;
    }

    private static long polyMul(long a, long b) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            if ((b >> i & 1) != 0) {
                r ^= a << i;
            }
        }
        return r;
    }
}
