package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD two-register miscellaneous, integer: REV64/REV32/REV16, SADDLP/UADDLP,
 * SADALP/UADALP, CLS, CLZ, CNT, NOT, RBIT, the compares with zero (CMGT, CMGE, CMEQ, CMLE, CMLT),
 * ABS, NEG, SQABS/SQNEG, SUQADD/USQADD, XTN/XTN2, SQXTN/UQXTN/SQXTUN (and their 2 forms and scalars), SHLL/SHLL2. The
 * floating-point ones are {@link SimdFloat}.
 */
final class SimdTwoReg {
    private SimdTwoReg() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return execute(cpu, insn, false);
    }

    /** {@code scalar}: the Advanced SIMD scalar form, one lane. */
    static Exit execute(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        int size = bits(insn, 23, 22);
        int opcode = bits(insn, 16, 12);
        if (opcode >= 0b01100 && opcode != 0b10010 && opcode != 0b10011 && opcode != 0b10100) {
            return SimdFloat.twoReg(cpu, insn, scalar);
        }
        if (scalar) {
            int k = (u ? 0x20 : 0) | opcode;
            boolean ok = switch (k) {
                case 0x03, 0x23, 0x07, 0x27 -> true;
                case 0x08, 0x28, 0x09, 0x29, 0x0a, 0x0b, 0x2b -> size == 3;
                case 0x14, 0x34, 0x32 -> true; // SQXTN, UQXTN, SQXTUN
                default -> false;
            };
            if (!ok) {
                return cpu.undefined(insn);
            }
        }
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        if (opcode == 0b10010 || opcode == 0b10100 || opcode == 0b10011) {
            return narrowOrWiden(cpu, insn, opcode, u, q, scalar, size, nlo, nhi, rd);
        }
        int key = (u ? 0x20 : 0) | opcode;
        boolean ok = switch (key) {
            case 0x00 -> size != 3; // REV64
            case 0x20 -> size < 2; // REV32
            case 0x01 -> size == 0; // REV16
            case 0x02, 0x22, 0x06, 0x26, 0x04, 0x24 -> size != 3; // xADDLP, xADALP, CLS, CLZ
            case 0x05 -> size == 0; // CNT
            case 0x25 -> size < 2; // NOT, RBIT
            case 0x08, 0x28, 0x09, 0x29, 0x0a, 0x0b, 0x2b, 0x07, 0x27, 0x03, 0x23 -> size != 3 || q;
            default -> false;
        };
        if (!ok && !scalar) {
            return cpu.undefined(insn);
        }
        if (key == 0x25 && size == 0) {
            Vregs.setVector(cpu, rd, ~nlo, ~nhi, q); // NOT
            cpu.pc += 4;
            return null;
        }
        if (key == 0x25) {
            size = 0; // RBIT works on bytes
        }
        boolean longPair = opcode == 0x02 || opcode == 0x06;
        int outSize = longPair ? size + 1 : size;
        int lanes = scalar ? 1 : (q ? 16 : 8) >> outSize;
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        long rlo = 0;
        long rhi = 0;
        int bits = 8 << size;
        for (int i = 0; i < lanes; i++) {
            long r;
            if (longPair) {
                long a = Vregs.lane(nlo, nhi, 2 * i, size);
                long b = Vregs.lane(nlo, nhi, 2 * i + 1, size);
                r = u ? a + b : Vregs.signed(a, size) + Vregs.signed(b, size);
                if (opcode == 0x06) {
                    r += Vregs.lane(dlo, dhi, i, outSize);
                }
            } else {
                long a = Vregs.lane(nlo, nhi, i, size);
                long s = Vregs.signed(a, size);
                r = switch (key) {
                    case 0x00, 0x20, 0x01 -> reverse(nlo, nhi, i, size, key);
                    case 0x04 -> Long.numberOfLeadingZeros(s ^ (s >> 63)) - 1 - (64 - bits);
                    case 0x24 -> Long.numberOfLeadingZeros(a) - (64 - bits);
                    case 0x05 -> Long.bitCount(a);
                    case 0x25 -> Integer.reverse((int) a) >>> 24; // RBIT (bytes)
                    case 0x08 -> s > 0 ? -1 : 0;
                    case 0x28 -> s >= 0 ? -1 : 0;
                    case 0x09 -> s == 0 ? -1 : 0;
                    case 0x29 -> s <= 0 ? -1 : 0;
                    case 0x0a -> s < 0 ? -1 : 0;
                    case 0x0b -> Math.abs(s);
                    case 0x2b -> -s;
                    case 0x03 -> accumulate(cpu, size, Vregs.lane(dlo, dhi, i, size), a, true);
                    case 0x23 -> accumulate(cpu, size, Vregs.lane(dlo, dhi, i, size), a, false);
                    default -> saturatingAbsNeg(cpu, s, size, key == 0x27);
                };
            }
            r &= Bits.ones(8 << outSize);
            int bit = i << (3 + outSize);
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

    /** REV64/REV32/REV16: element i of the result is element i ^ (elements per container - 1). */
    private static long reverse(long lo, long hi, int i, int size, int key) {
        int container = key == 0x00 ? 3 : key == 0x20 ? 2 : 1;
        int per = 1 << (container - size);
        return Vregs.lane(lo, hi, i ^ (per - 1), size);
    }

    private static long saturatingAbsNeg(A64Cpu cpu, long s, int size, boolean neg) {
        int bits = 8 << size;
        long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
        if (s == min) {
            cpu.fpsr |= FpControl.QC;
            return ~min; // both saturate to the largest value
        }
        return neg ? -s : Math.abs(s);
    }

    /**
     * SUQADD (signed d plus unsigned n, saturated signed) and USQADD (unsigned d plus signed n,
     * saturated unsigned), setting FPSR.QC when they saturate.
     */
    private static long accumulate(A64Cpu cpu, int size, long d, long n, boolean signedResult) {
        int bits = 8 << size;
        long r;
        boolean sat;
        if (signedResult) {
            long sd = Vregs.signed(d, size);
            long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
            sat = bits == 64 ? Long.compareUnsigned(n, max - sd) > 0 : sd + n > max;
            r = sat ? max : sd + n;
        } else {
            long sn = Vregs.signed(n, size);
            long ones = Bits.ones(bits);
            if (bits == 64) {
                if (sn >= 0) {
                    r = d + sn;
                    sat = Long.compareUnsigned(r, d) < 0;
                    r = sat ? -1 : r;
                } else {
                    sat = Long.compareUnsigned(d, -sn) < 0;
                    r = sat ? 0 : d + sn;
                }
            } else {
                r = d + sn;
                sat = r < 0 || r > ones;
                r = r < 0 ? 0 : Math.min(r, ones);
            }
        }
        if (sat) {
            cpu.fpsr |= FpControl.QC;
        }
        return r;
    }

    /** XTN, SQXTN, UQXTN, SQXTUN (to the low half, or the high half for the 2 forms) and SHLL. */
    private static Exit narrowOrWiden(
            A64Cpu cpu,
            int insn,
            int opcode,
            boolean u,
            boolean q,
            boolean scalar,
            int size,
            long nlo,
            long nhi,
            int rd) {
        if (size == 3 || opcode == 0b10011 && !u) {
            return cpu.undefined(insn);
        }
        if (opcode == 0b10011) { // SHLL: widen, shifted by the element size
            int lanes = 8 >> size;
            long src = q ? nhi : nlo;
            long rlo = 0;
            long rhi = 0;
            int out = size + 1;
            for (int i = 0; i < lanes; i++) {
                long r = (Vregs.lane(src, 0, i, size) << (8 << size)) & Bits.ones(8 << out);
                int bit = i << (3 + out);
                if (bit < 64) {
                    rlo |= r << bit;
                } else {
                    rhi |= r << (bit - 64);
                }
            }
            Vregs.setVector(cpu, rd, rlo, rhi, true);
            cpu.pc += 4;
            return null;
        }
        int lanes = scalar ? 1 : 8 >> size;
        int wide = size + 1;
        int narrowBits = 8 << size;
        long r = 0;
        for (int i = 0; i < lanes; i++) {
            long a = Vregs.lane(nlo, nhi, i, wide);
            long v;
            if (opcode == 0b10010 && !u) {
                v = a;
            } else {
                boolean signedIn = opcode == 0b10100 && !u || opcode == 0b10010;
                boolean signedOut = opcode == 0b10100 && !u;
                long in = signedIn ? Vregs.signed(a, wide) : a;
                long max = signedOut ? (1L << (narrowBits - 1)) - 1 : Bits.ones(narrowBits);
                long min = signedOut ? -(1L << (narrowBits - 1)) : 0;
                boolean above = signedIn ? in > max : Long.compareUnsigned(in, max) > 0;
                boolean below = signedIn && in < min;
                v = above ? max : below ? min : in;
                if (above || below) {
                    cpu.fpsr |= FpControl.QC;
                }
            }
            r |= (v & Bits.ones(narrowBits)) << (i * narrowBits);
        }
        if (scalar) {
            Vregs.setScalar(cpu, rd, size, r);
        } else if (q) {
            cpu.vhi[rd] = r; // the 2 form: the low half stays
        } else {
            Vregs.setVector(cpu, rd, r, 0, false);
        }
        cpu.pc += 4;
        return null;
    }
}
