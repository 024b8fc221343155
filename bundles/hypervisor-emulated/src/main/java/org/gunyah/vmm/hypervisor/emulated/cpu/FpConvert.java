package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Conversions: FMOV (general), every form including the top half of a Q register; SCVTF/UCVTF
 * (from W or X, to S or D, also fixed-point); FCVTNS/NU, FCVTPS/PU, FCVTMS/MU, FCVTZS/ZU (also
 * fixed-point), FCVTAS/AU (saturating; NaN gives 0; IOC when invalid, IXC when inexact); FCVT
 * between H, S and D (FPCR.AHP selects the alternative half-precision format); FRINT* (round to
 * integral).
 */
final class FpConvert {
    private FpConvert() {}

    /** Floating-point and fixed-point conversions: sf 0 S 11110 type 0 rmode opcode scale Rn Rd. */
    static Exit fixedPoint(A64Cpu cpu, int insn) {
        boolean sf = bit(insn, 31);
        int log2 = FpScalar.log2(insn);
        int kind = bits(insn, 20, 16); // rmode:opcode
        int scale = bits(insn, 15, 10);
        if (bit(insn, 29) || log2 < 2 || !sf && scale < 32) {
            return cpu.undefined(insn);
        }
        int fbits = 64 - scale;
        return switch (kind) {
            case 0b00010, 0b00011 -> fromInteger(cpu, insn, sf, log2, kind == 0b00011, fbits);
            case 0b11000, 0b11001 -> toInteger(cpu, insn, sf, log2, FpArith.RZ, kind == 0b11001, fbits);
            default -> cpu.undefined(insn);
        };
    }

    /** Floating-point and integer conversions: sf 0 S 11110 type 1 rmode opcode 000000 Rn Rd. */
    static Exit integer(A64Cpu cpu, int insn) {
        boolean sf = bit(insn, 31);
        int type = bits(insn, 23, 22);
        int rmode = bits(insn, 20, 19);
        int opcode = bits(insn, 18, 16);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        if (bit(insn, 29)) {
            return cpu.undefined(insn);
        }
        if (opcode >= 0b110) {
            boolean toGeneral = opcode == 0b110;
            if (!sf && type == 0 && rmode == 0) {
                if (toGeneral) {
                    cpu.setReg(rd, cpu.vlo[rn] & Bits.W, false);
                } else {
                    Vregs.setScalar(cpu, rd, 2, cpu.reg(rn));
                }
            } else if (sf && type == 1 && rmode == 0) {
                if (toGeneral) {
                    cpu.setReg(rd, cpu.vlo[rn], true);
                } else {
                    Vregs.setScalar(cpu, rd, 3, cpu.reg(rn));
                }
            } else if (sf && type == 2 && rmode == 1) {
                if (toGeneral) {
                    cpu.setReg(rd, cpu.vhi[rn], true);
                } else {
                    cpu.vhi[rd] = cpu.reg(rn); // the low half stays
                }
            } else {
                return cpu.undefined(insn);
            }
            cpu.pc += 4;
            return null;
        }
        int log2 = FpScalar.log2(insn);
        if (log2 < 2) {
            return cpu.undefined(insn); // half: FP16
        }
        return switch (opcode) {
            case 0b000, 0b001 -> toInteger(cpu, insn, sf, log2, ROUNDING[rmode], opcode == 1, 0);
            case 0b010, 0b011 -> rmode == 0 ? fromInteger(cpu, insn, sf, log2, opcode == 3, 0) : cpu.undefined(insn);
            default -> rmode == 0 ? toInteger(cpu, insn, sf, log2, FpArith.RA, opcode == 5, 0) : cpu.undefined(insn);
        };
    }

    private static final int[] ROUNDING = {FpArith.RN, FpArith.RP, FpArith.RM, FpArith.RZ};

    private static Exit fromInteger(A64Cpu cpu, int insn, boolean sf, int log2, boolean unsigned, int fbits) {
        long v = cpu.reg(bits(insn, 9, 5));
        if (!sf) {
            v = unsigned ? v & Bits.W : (int) v;
        }
        Vregs.setScalar(cpu, bits(insn, 4, 0), log2, fromInteger(cpu, v, unsigned && sf, log2, fbits));
        cpu.pc += 4;
        return null;
    }

    /** SCVTF/UCVTF of a lane of {@code width} bits to the same width ({@code log2}). */
    static long fromInteger(A64Cpu cpu, long lane, int width, boolean unsigned, int log2) {
        long v = width == 64 ? lane : unsigned ? lane & Bits.W : (int) lane;
        return fromInteger(cpu, v, unsigned && width == 64, log2, 0);
    }

    /** The integer v (unsigned 64-bit if {@code asUnsigned}) divided by 2^fbits, rounded to log2. */
    static long fromInteger(A64Cpu cpu, long v, boolean asUnsigned, int log2, int fbits) {
        double d;
        int err;
        if (!asUnsigned || v >= 0) {
            d = (double) v;
            if (Math.abs(v) < (1L << 53)) {
                err = 0;
            } else if (d >= 0x1p63) {
                err = -1; // v < 2^63
            } else {
                err = Long.signum(v - (long) d);
            }
        } else {
            d = ((v >>> 1) | (v & 1)) * 2.0; // round to odd, then once to nearest
            if (d >= 0x1p64) {
                err = -1;
            } else {
                long back = ((long) (d / 2)) << 1;
                err = Integer.signum(Long.compareUnsigned(v, back));
            }
        }
        d = Math.scalb(d, -fbits);
        return FpArith.round(cpu, d, err, log2, true, FpControl.roundingMode(cpu));
    }

    private static Exit toInteger(A64Cpu cpu, int insn, boolean sf, int log2, int mode, boolean unsigned, int fbits) {
        long n = cpu.vlo[bits(insn, 9, 5)] & Bits.ones(8 << log2);
        cpu.setReg(bits(insn, 4, 0), toInteger(cpu, n, log2, mode, unsigned, sf ? 64 : 32, fbits), sf);
        cpu.pc += 4;
        return null;
    }

    /** FPToFixed: saturating, NaN gives 0; IOC for NaN or out of range, else IXC if inexact. */
    static long toInteger(A64Cpu cpu, long n, int log2, int mode, boolean unsigned, int width, int fbits) {
        n = FpArith.flushIn(cpu, n, log2);
        if (FpArith.isNaN(n, log2)) {
            cpu.fpsr |= FpControl.IOC;
            return 0;
        }
        double x = Math.scalb(FpArith.value(n, log2), fbits);
        double integral = FpArith.roundIntegral(x, 0, mode);
        double min = unsigned ? 0 : -Math.scalb(1.0, width - 1);
        double limit = unsigned ? Math.scalb(1.0, width) : Math.scalb(1.0, width - 1); // exclusive
        long result;
        if (integral < min) {
            cpu.fpsr |= FpControl.IOC;
            result = unsigned ? 0 : width == 64 ? Long.MIN_VALUE : Integer.MIN_VALUE;
        } else if (integral >= limit) {
            cpu.fpsr |= FpControl.IOC;
            result = unsigned ? (width == 64 ? -1L : Bits.W) : (width == 64 ? Long.MAX_VALUE : Integer.MAX_VALUE);
        } else {
            if (integral != x) {
                cpu.fpsr |= FpControl.IXC;
            }
            result = integral >= 0x1p63 ? (long) (integral - 0x1p63) + Long.MIN_VALUE : (long) integral;
        }
        return width == 64 ? result : result & Bits.W;
    }

    /** FCVT between half (1), single (2) and double (3) in the current rounding mode. */
    static long convert(A64Cpu cpu, long n, int from, int to) {
        n = FpArith.flushIn(cpu, n, from);
        boolean negative = (n & FpArith.signBit(from)) != 0;
        long sign = negative ? FpArith.signBit(to) : 0;
        boolean ahp = (cpu.fpcr & FpControl.AHP) != 0;
        if (from == 1 && ahp) {
            double v = FpArith.alternativeHalf(n);
            return v == 0 ? sign : FpArith.round(cpu, v, 0, to, true, FpControl.roundingMode(cpu));
        }
        if (to == 1 && ahp && (FpArith.isNaN(n, from) || Double.isInfinite(FpArith.value(n, from)))) {
            cpu.fpsr |= FpControl.IOC; // no NaN or infinity in the alternative format
            return FpArith.isNaN(n, from) ? sign : sign | 0x7fff;
        }
        if (FpArith.isNaN(n, from)) {
            if (FpArith.isSignalling(n, from)) {
                cpu.fpsr |= FpControl.IOC;
            }
            if ((cpu.fpcr & FpControl.DN) != 0) {
                return FpArith.defaultNaN(to);
            }
            long frac = n & Bits.ones(FpArith.fracBits(from));
            int shift = FpArith.fracBits(to) - FpArith.fracBits(from);
            frac = shift >= 0 ? frac << shift : frac >>> -shift;
            return sign | FpArith.packInf(to, false) | frac | 1L << (FpArith.fracBits(to) - 1);
        }
        double x = FpArith.value(n, from);
        if (Double.isInfinite(x)) {
            return FpArith.packInf(to, negative);
        }
        if (x == 0) {
            return sign;
        }
        return FpArith.round(cpu, x, 0, to, true, FpControl.roundingMode(cpu));
    }

    /** FRINT*: to an integral value in the same format; only FRINTX ({@code exact}) sets IXC. */
    static long roundToIntegral(A64Cpu cpu, long n, int log2, int mode, boolean exact) {
        n = FpArith.flushIn(cpu, n, log2);
        if (FpArith.isNaN(n, log2)) {
            return FpArith.processNaN(cpu, n, log2);
        }
        double x = FpArith.value(n, log2);
        if (Double.isInfinite(x) || x == 0) {
            return n;
        }
        double integral = FpArith.roundIntegral(x, 0, mode);
        if (exact && integral != x) {
            cpu.fpsr |= FpControl.IXC;
        }
        if (integral == 0) {
            return n & FpArith.signBit(log2);
        }
        return log2 == 3 ? Double.doubleToRawLongBits(integral) : Float.floatToRawIntBits((float) integral) & Bits.W;
    }
}
