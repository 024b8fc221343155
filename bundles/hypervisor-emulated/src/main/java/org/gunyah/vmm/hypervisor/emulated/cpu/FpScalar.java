package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Scalar floating point of single and double precision: data processing with one source (FMOV,
 * FABS, FNEG, FSQRT, FCVT between H, S and D, FRINTN/P/M/Z/A/X/I), two sources (FMUL, FDIV, FADD,
 * FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL), three (FMADD, FMSUB, FNMADD, FNMSUB, fused), FCMP/FCMPE
 * (with zero too), FCCMP/FCCMPE, FCSEL and FMOV (immediate). Half-precision arithmetic is FP16
 * (v8.2): undefined. The arithmetic itself is {@link FpArith}.
 */
final class FpScalar {
    private FpScalar() {}

    /** The type field (bits 23:22) as log2 of the size: 00 single, 01 double, 11 half; 10 is -1. */
    static int log2(int insn) {
        return switch (bits(insn, 23, 22)) {
            case 0 -> 2;
            case 1 -> 3;
            case 3 -> 1;
            default -> -1;
        };
    }

    private static long operand(A64Cpu cpu, int reg, int log2) {
        return cpu.vlo[reg] & Bits.ones(8 << log2);
    }

    private static Exit done(A64Cpu cpu, int rd, int log2, long value) {
        Vregs.setScalar(cpu, rd, log2, value);
        cpu.pc += 4;
        return null;
    }

    static Exit threeSource(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        if (bit(insn, 31) || bit(insn, 29) || log2 < 2) {
            return cpu.undefined(insn);
        }
        long sign = FpArith.signBit(log2);
        long n = operand(cpu, bits(insn, 9, 5), log2);
        long m = operand(cpu, bits(insn, 20, 16), log2);
        long a = operand(cpu, bits(insn, 14, 10), log2);
        boolean o1 = bit(insn, 21);
        boolean o0 = bit(insn, 15);
        // FMADD a + n*m, FMSUB a - n*m, FNMADD -a - n*m, FNMSUB -a + n*m: negation before NaN rules.
        if (o0 != o1) {
            n ^= sign;
        }
        if (o1) {
            a ^= sign;
        }
        return done(cpu, bits(insn, 4, 0), log2, FpArith.mulAdd(cpu, a, n, m, log2));
    }

    static Exit twoSource(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        int opcode = bits(insn, 15, 12);
        if (bit(insn, 29) || log2 < 2 || opcode > 0b1000) {
            return cpu.undefined(insn);
        }
        long n = operand(cpu, bits(insn, 9, 5), log2);
        long m = operand(cpu, bits(insn, 20, 16), log2);
        long r = switch (opcode) {
            case 0b0000 -> FpArith.arith(cpu, 2, n, m, log2);
            case 0b0001 -> FpArith.arith(cpu, 3, n, m, log2);
            case 0b0010 -> FpArith.arith(cpu, 0, n, m, log2);
            case 0b0011 -> FpArith.arith(cpu, 1, n, m, log2);
            case 0b0100 -> FpArith.maxMin(cpu, n, m, log2, true, false);
            case 0b0101 -> FpArith.maxMin(cpu, n, m, log2, false, false);
            case 0b0110 -> FpArith.maxMin(cpu, n, m, log2, true, true);
            case 0b0111 -> FpArith.maxMin(cpu, n, m, log2, false, true);
            default -> FpArith.arith(cpu, 2, n, m, log2) ^ FpArith.signBit(log2); // FNMUL
        };
        return done(cpu, bits(insn, 4, 0), log2, r);
    }

    static Exit oneSource(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        int opcode = bits(insn, 20, 15);
        if (bit(insn, 29) || log2 < 0) {
            return cpu.undefined(insn);
        }
        int rd = bits(insn, 4, 0);
        long n = operand(cpu, bits(insn, 9, 5), log2);
        if (opcode >= 0b000100 && opcode <= 0b000111) {
            int to = switch (opcode) {
                case 0b000100 -> 2;
                case 0b000101 -> 3;
                case 0b000111 -> 1;
                default -> -1;
            };
            if (to < 0 || to == log2) {
                return cpu.undefined(insn);
            }
            return done(cpu, rd, to, FpConvert.convert(cpu, n, log2, to));
        }
        if (log2 < 2) {
            return cpu.undefined(insn);
        }
        long sign = FpArith.signBit(log2);
        long r;
        switch (opcode) {
            case 0b000000 -> r = n;
            case 0b000001 -> r = n & ~sign;
            case 0b000010 -> r = n ^ sign;
            case 0b000011 -> r = FpArith.sqrt(cpu, n, log2);
            case 0b001000, 0b001001, 0b001010, 0b001011, 0b001100, 0b001110, 0b001111 -> {
                int mode = switch (opcode) {
                    case 0b001000 -> FpArith.RN;
                    case 0b001001 -> FpArith.RP;
                    case 0b001010 -> FpArith.RM;
                    case 0b001011 -> FpArith.RZ;
                    case 0b001100 -> FpArith.RA;
                    default -> FpControl.roundingMode(cpu);
                };
                r = FpConvert.roundToIntegral(cpu, n, log2, mode, opcode == 0b001110);
            }
            default -> {
                return cpu.undefined(insn);
            }
        }
        return done(cpu, rd, log2, r);
    }

    static Exit compare(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        if (bit(insn, 29) || log2 < 2 || bits(insn, 15, 14) != 0 || bits(insn, 2, 0) != 0) {
            return cpu.undefined(insn);
        }
        long n = operand(cpu, bits(insn, 9, 5), log2);
        long m = bit(insn, 3) ? 0 : operand(cpu, bits(insn, 20, 16), log2);
        cpu.setNzcv(compareFlags(cpu, n, m, log2, bit(insn, 4)));
        cpu.pc += 4;
        return null;
    }

    /** FPCompare: NZCV 0110 equal, 1000 less, 0010 greater, 0011 unordered (IOC for any NaN if E). */
    static int compareFlags(A64Cpu cpu, long n, long m, int log2, boolean signalAll) {
        n = FpArith.flushIn(cpu, n, log2);
        m = FpArith.flushIn(cpu, m, log2);
        if (FpArith.isNaN(n, log2) || FpArith.isNaN(m, log2)) {
            if (signalAll || FpArith.isSignalling(n, log2) || FpArith.isSignalling(m, log2)) {
                cpu.fpsr |= FpControl.IOC;
            }
            return 0b0011;
        }
        double x = FpArith.value(n, log2);
        double y = FpArith.value(m, log2);
        return x == y ? 0b0110 : x < y ? 0b1000 : 0b0010;
    }

    static Exit conditionalCompare(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        if (bit(insn, 29) || log2 < 2) {
            return cpu.undefined(insn);
        }
        if (cpu.condition(bits(insn, 15, 12))) {
            long n = operand(cpu, bits(insn, 9, 5), log2);
            long m = operand(cpu, bits(insn, 20, 16), log2);
            cpu.setNzcv(compareFlags(cpu, n, m, log2, bit(insn, 4)));
        } else {
            cpu.setNzcv(bits(insn, 3, 0));
        }
        cpu.pc += 4;
        return null;
    }

    static Exit conditionalSelect(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        if (bit(insn, 29) || log2 < 2) {
            return cpu.undefined(insn);
        }
        int reg = cpu.condition(bits(insn, 15, 12)) ? bits(insn, 9, 5) : bits(insn, 20, 16);
        return done(cpu, bits(insn, 4, 0), log2, operand(cpu, reg, log2));
    }

    static Exit immediate(A64Cpu cpu, int insn) {
        int log2 = log2(insn);
        if (bit(insn, 29) || log2 < 2 || bits(insn, 9, 5) != 0) {
            return cpu.undefined(insn);
        }
        return done(cpu, bits(insn, 4, 0), log2, expandImm(bits(insn, 20, 13), log2));
    }

    /** VFPExpandImm: imm8 as a single (log2 2) or double (log2 3). */
    static long expandImm(long imm8, int log2) {
        long sign = imm8 >> 7 & 1;
        long b6 = imm8 >> 6 & 1;
        long frac = imm8 & 0x3f;
        if (log2 == 2) {
            return sign << 31 | (b6 ^ 1) << 30 | (b6 == 1 ? 0x1fL : 0) << 25 | frac << 19;
        }
        return sign << 63 | (b6 ^ 1) << 62 | (b6 == 1 ? 0xffL : 0) << 54 | frac << 48;
    }
}
