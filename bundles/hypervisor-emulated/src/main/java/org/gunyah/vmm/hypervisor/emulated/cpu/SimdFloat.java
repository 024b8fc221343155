package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD floating point, vector forms of single and double lanes, on {@link FpArith}:
 * three same (FADD, FSUB, FMUL, FDIV, FABD, FMAX, FMIN, FMAXNM, FMINNM, FMLA, FMLS, the compares
 * FCMEQ, FCMGE, FCMGT, FACGE, FACGT, and the pairwise FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP),
 * two-register misc (FABS, FNEG, FSQRT, FRINT*, FCVT[NMAPZ][SU], SCVTF/UCVTF, FCVTN/FCVTL and
 * their 2 forms, the compares with zero) and across lanes (FMAXV, FMINV, FMAXNMV, FMINNMV).
 * On {@link FpEstimates}: FMULX, FRECPS, FRSQRTS (three same), FRECPE, FRSQRTE, URECPE, URSQRTE,
 * FRECPX (scalar), FCVTXN and FCVTXN2 (two-register misc). The scalar forms compute one lane.
 */
final class SimdFloat {
    private SimdFloat() {}

    static Exit threeSame(A64Cpu cpu, int insn) {
        return threeSame(cpu, insn, false);
    }

    static Exit threeSame(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        int log2 = bit(insn, 22) ? 3 : 2;
        int key = (bit(insn, 29) ? 16 : 0) | (bit(insn, 23) ? 8 : 0) | bits(insn, 13, 11);
        boolean known = switch (key) {
            case 0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 14, 15, 16, 18, 19, 20, 21, 22, 23, 24, 26, 28, 29, 30 -> true;
            default -> false;
        };
        if (scalar) {
            known = switch (key) {
                case 3, 4, 7, 15, 20, 21, 26, 28, 29 -> true;
                default -> false;
            };
        }
        if (!known || log2 == 3 && !q && !scalar) {
            return cpu.undefined(insn);
        }
        boolean pairwise = key == 16 || key == 18 || key == 22 || key == 24 || key == 30;
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        int rd = bits(insn, 4, 0);
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long mlo = cpu.vlo[rm];
        long mhi = cpu.vhi[rm];
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        int lanes = scalar ? 1 : (q ? 16 : 8) >> log2;
        long sign = FpArith.signBit(log2);
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long a;
            long b;
            if (pairwise) {
                int j = 2 * i;
                boolean fromM = j >= lanes;
                a = Vregs.lane(fromM ? mlo : nlo, fromM ? mhi : nhi, j % lanes, log2);
                b = Vregs.lane(fromM ? mlo : nlo, fromM ? mhi : nhi, j % lanes + 1, log2);
            } else {
                a = Vregs.lane(nlo, nhi, i, log2);
                b = Vregs.lane(mlo, mhi, i, log2);
            }
            long d = Vregs.lane(dlo, dhi, i, log2);
            long ones = Bits.ones(8 << log2);
            long r = switch (key) {
                case 0, 16 -> FpArith.maxMin(cpu, a, b, log2, true, true);
                case 8, 24 -> FpArith.maxMin(cpu, a, b, log2, false, true);
                case 1 -> FpArith.mulAdd(cpu, d, a, b, log2);
                case 9 -> FpArith.mulAdd(cpu, d, a ^ sign, b, log2);
                case 2, 18 -> FpArith.arith(cpu, 0, a, b, log2);
                case 10 -> FpArith.arith(cpu, 1, a, b, log2);
                case 19 -> FpArith.arith(cpu, 2, a, b, log2);
                case 3 -> FpEstimates.mulX(cpu, a, b, log2);
                case 7 -> FpEstimates.recipStep(cpu, a, b, log2);
                case 15 -> FpEstimates.rsqrtStep(cpu, a, b, log2);
                case 23 -> FpArith.arith(cpu, 3, a, b, log2);
                case 26 -> FpArith.arith(cpu, 1, a, b, log2) & ~sign; // FABD
                case 6, 22 -> FpArith.maxMin(cpu, a, b, log2, true, false);
                case 14, 30 -> FpArith.maxMin(cpu, a, b, log2, false, false);
                case 4 -> compare(cpu, a, b, log2, 0) ? ones : 0;
                case 20 -> compare(cpu, a, b, log2, 1) ? ones : 0;
                case 28 -> compare(cpu, a, b, log2, 2) ? ones : 0;
                case 21 -> compare(cpu, a & ~sign, b & ~sign, log2, 1) ? ones : 0;
                default -> compare(cpu, a & ~sign, b & ~sign, log2, 2) ? ones : 0; // FACGT
            };
            int bit = i << (3 + log2);
            if (bit < 64) {
                rlo |= (r & ones) << bit;
            } else {
                rhi |= (r & ones) << (bit - 64);
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }

    /** FPCompareEQ (kind 0, quiet), GE (1) and GT (2) (signalling: IOC for any NaN). */
    static boolean compare(A64Cpu cpu, long a, long b, int log2, int kind) {
        a = FpArith.flushIn(cpu, a, log2);
        b = FpArith.flushIn(cpu, b, log2);
        if (FpArith.isNaN(a, log2) || FpArith.isNaN(b, log2)) {
            if (kind != 0 || FpArith.isSignalling(a, log2) || FpArith.isSignalling(b, log2)) {
                cpu.fpsr |= FpControl.IOC;
            }
            return false;
        }
        double x = FpArith.value(a, log2);
        double y = FpArith.value(b, log2);
        return kind == 0 ? x == y : kind == 1 ? x >= y : x > y;
    }

    static Exit twoReg(A64Cpu cpu, int insn) {
        return twoReg(cpu, insn, false);
    }

    static Exit twoReg(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        boolean a = bit(insn, 23);
        int sz = bits(insn, 22, 22);
        int opcode = bits(insn, 16, 12);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        if (!a && u && opcode == 0b10110) {
            return sz == 1 ? roundToOddNarrow(cpu, q, scalar, rn, rd) : cpu.undefined(insn);
        }
        if (!a && (opcode == 0b10110 || opcode == 0b10111) && !scalar) {
            return u ? cpu.undefined(insn) : narrowOrLengthen(cpu, q, sz, opcode == 0b10111, rn, rd);
        }
        int log2 = 2 + sz;
        if (log2 == 3 && !q && !scalar) {
            return cpu.undefined(insn);
        }
        int key = (u ? 0x100 : 0) | (a ? 0x80 : 0) | opcode;
        if (scalar && !scalarTwoReg(key)) {
            return cpu.undefined(insn); // no FRINT, FABS, FNEG, FSQRT in the scalar class
        }
        boolean known = switch (key) {
            case 0x18, 0x118, 0x19, 0x119, 0x98, 0x99, 0x199 -> true; // FRINT*
            case 0x1a, 0x11a, 0x1b, 0x11b, 0x1c, 0x11c, 0x1d, 0x11d, 0x9a, 0x19a, 0x9b, 0x19b -> true;
            case 0x8c, 0x18c, 0x8d, 0x18d, 0x8e, 0x8f, 0x18f, 0x19f, 0x9d, 0x19d -> true;
            case 0x9c, 0x19c -> log2 == 2; // URECPE, URSQRTE: words only
            case 0x9f -> scalar; // FRECPX
            default -> false;
        };
        if (!known) {
            return cpu.undefined(insn);
        }
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        int lanes = scalar ? 1 : (q ? 16 : 8) >> log2;
        long sign = FpArith.signBit(log2);
        long ones = Bits.ones(8 << log2);
        int width = 8 << log2;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long e = Vregs.lane(nlo, nhi, i, log2);
            long r = switch (key) {
                case 0x18 -> FpConvert.roundToIntegral(cpu, e, log2, FpArith.RN, false);
                case 0x118 -> FpConvert.roundToIntegral(cpu, e, log2, FpArith.RA, false);
                case 0x19 -> FpConvert.roundToIntegral(cpu, e, log2, FpArith.RM, false);
                case 0x119 -> FpConvert.roundToIntegral(cpu, e, log2, FpControl.roundingMode(cpu), true);
                case 0x98 -> FpConvert.roundToIntegral(cpu, e, log2, FpArith.RP, false);
                case 0x99 -> FpConvert.roundToIntegral(cpu, e, log2, FpArith.RZ, false);
                case 0x199 -> FpConvert.roundToIntegral(cpu, e, log2, FpControl.roundingMode(cpu), false);
                case 0x1a, 0x11a -> FpConvert.toInteger(cpu, e, log2, FpArith.RN, u, width, 0);
                case 0x1b, 0x11b -> FpConvert.toInteger(cpu, e, log2, FpArith.RM, u, width, 0);
                case 0x1c, 0x11c -> FpConvert.toInteger(cpu, e, log2, FpArith.RA, u, width, 0);
                case 0x9a, 0x19a -> FpConvert.toInteger(cpu, e, log2, FpArith.RP, u, width, 0);
                case 0x9b, 0x19b -> FpConvert.toInteger(cpu, e, log2, FpArith.RZ, u, width, 0);
                case 0x1d, 0x11d -> FpConvert.fromInteger(cpu, e, width, u, log2);
                case 0x8c -> compare(cpu, e, 0, log2, 2) ? ones : 0; // FCMGT #0
                case 0x18c -> compare(cpu, e, 0, log2, 1) ? ones : 0; // FCMGE #0
                case 0x8d -> compare(cpu, e, 0, log2, 0) ? ones : 0; // FCMEQ #0
                case 0x18d -> compare(cpu, 0, e, log2, 1) ? ones : 0; // FCMLE #0
                case 0x8e -> compare(cpu, 0, e, log2, 2) ? ones : 0; // FCMLT #0
                case 0x8f -> e & ~sign;
                case 0x18f -> e ^ sign;
                case 0x9c -> FpEstimates.unsignedRecipEstimate(e);
                case 0x19c -> FpEstimates.unsignedRsqrtEstimate(e);
                case 0x9d -> FpEstimates.recipEstimate(cpu, e, log2);
                case 0x19d -> FpEstimates.rsqrtEstimate(cpu, e, log2);
                case 0x9f -> FpEstimates.reciprocalExponent(cpu, e, log2);
                default -> FpArith.sqrt(cpu, e, log2);
            };
            int bit = i << (3 + log2);
            if (bit < 64) {
                rlo |= (r & ones) << bit;
            } else {
                rhi |= (r & ones) << (bit - 64);
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }

    private static boolean scalarTwoReg(int key) {
        return switch (key) {
            case 0x1a, 0x11a, 0x1b, 0x11b, 0x1c, 0x11c, 0x1d, 0x11d, 0x9a, 0x19a, 0x9b, 0x19b -> true;
            case 0x8c, 0x18c, 0x8d, 0x18d, 0x8e, 0x9d, 0x19d, 0x9f -> true;
            default -> false;
        };
    }

    /** FCVTXN (to the low half, the high half for FCVTXN2, or a scalar single): round to odd. */
    private static Exit roundToOddNarrow(A64Cpu cpu, boolean q, boolean scalar, int rn, int rd) {
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long r = FpEstimates.toSingleRoundOdd(cpu, nlo) & Bits.W;
        if (scalar) {
            Vregs.setScalar(cpu, rd, 2, r);
        } else {
            r |= FpEstimates.toSingleRoundOdd(cpu, nhi) << 32;
            if (q) {
                cpu.vhi[rd] = r;
            } else {
                Vregs.setVector(cpu, rd, r, 0, false);
            }
        }
        cpu.pc += 4;
        return null;
    }

    /** FCVTN (to the low half, or the high half for FCVTN2) and FCVTL (from the low or high half). */
    private static Exit narrowOrLengthen(A64Cpu cpu, boolean q, int sz, boolean lengthen, int rn, int rd) {
        int wide = 2 + sz;
        int narrow = 1 + sz;
        if (lengthen) {
            long src = q ? cpu.vhi[rn] : cpu.vlo[rn];
            int lanes = 64 >> (3 + wide);
            long rlo = 0;
            long rhi = 0;
            for (int i = 0; i < 2 * lanes; i++) {
                long r = FpConvert.convert(cpu, Vregs.lane(src, 0, i, narrow), narrow, wide);
                int bit = i << (3 + wide);
                if (bit < 64) {
                    rlo |= r << bit;
                } else {
                    rhi |= r << (bit - 64);
                }
            }
            Vregs.setVector(cpu, rd, rlo, rhi, true);
        } else {
            long nlo = cpu.vlo[rn];
            long nhi = cpu.vhi[rn];
            int lanes = 128 >> (3 + wide);
            long r = 0;
            for (int i = 0; i < lanes; i++) {
                long e = FpConvert.convert(cpu, Vregs.lane(nlo, nhi, i, wide), wide, narrow);
                r |= (e & Bits.ones(8 << narrow)) << (i << (3 + narrow));
            }
            if (q) {
                cpu.vhi[rd] = r;
            } else {
                Vregs.setVector(cpu, rd, r, 0, false);
            }
        }
        cpu.pc += 4;
        return null;
    }

    /** FMAXNMV, FMINNMV, FMAXV, FMINV of four singles: op(op(e0, e1), op(e2, e3)). */
    static Exit acrossLanes(A64Cpu cpu, int insn) {
        if (!bit(insn, 29) || !bit(insn, 30) || bit(insn, 22)) {
            return cpu.undefined(insn);
        }
        boolean min = bit(insn, 23);
        boolean numeric = bits(insn, 16, 12) == 0b01100;
        int rn = bits(insn, 9, 5);
        long lo = cpu.vlo[rn];
        long hi = cpu.vhi[rn];
        long left = FpArith.maxMin(cpu, lo & Bits.W, lo >>> 32, 2, !min, numeric);
        long right = FpArith.maxMin(cpu, hi & Bits.W, hi >>> 32, 2, !min, numeric);
        Vregs.setScalar(cpu, bits(insn, 4, 0), 2, FpArith.maxMin(cpu, left, right, 2, !min, numeric));
        cpu.pc += 4;
        return null;
    }
}
