package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD shift by immediate: SSHR/USHR, SSRA/USRA, SRSHR/URSHR, SRSRA/URSRA, SRI, SHL, SLI,
 * SHRN/RSHRN (and 2), SSHLL/USHLL (and 2; UXTL/SXTL), the fixed-point SCVTF/UCVTF and
 * FCVTZS/FCVTZU, and the saturating SQSHL/UQSHL/SQSHLU and SQSHRN/UQSHRN/SQRSHRN/UQRSHRN/SQSHRUN/
 * SQRSHRUN (and 2). The element size is the highest set bit of immh; a right shift (and the number
 * of fraction bits) is 2 * esize - immh:immb, a left shift immh:immb - esize.
 */
final class SimdShiftImmediate {
    private SimdShiftImmediate() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return execute(cpu, insn, false);
    }

    /** {@code scalar}: the Advanced SIMD scalar form, one 64-bit lane (immh = 1xxx). */
    static Exit execute(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        int immh = bits(insn, 22, 19);
        int immhb = bits(insn, 22, 16);
        int size = 31 - Integer.numberOfLeadingZeros(immh);
        int esize = 8 << size;
        int opcode = bits(insn, 15, 11);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        if (opcode == 0b11100 || opcode == 0b11111) {
            return fixedPoint(cpu, insn, scalar, q, u, size, 2 * esize - immhb, opcode == 0b11100, rn, rd);
        }
        if (opcode == 0b01100
                || opcode == 0b01110
                || opcode >= 0b10000 && opcode <= 0b10011 && (u || opcode >= 0b10010)) {
            return saturating(cpu, insn, scalar, q, u, size, opcode, rn, rd);
        }
        if (scalar && size != 3) {
            return cpu.undefined(insn);
        }
        if (opcode == 0b10000 || opcode == 0b10001 || opcode == 0b10100) {
            if (scalar) {
                return cpu.undefined(insn);
            }
            if (size == 3 || u && opcode != 0b10100) {
                return cpu.undefined(insn);
            }
            return opcode == 0b10100
                    ? widen(cpu, q, u, size, immhb - esize, rn, rd)
                    : narrow(cpu, q, size, 2 * esize - immhb, opcode == 0b10001, rn, rd);
        }
        boolean known = switch (opcode) {
            case 0b00000, 0b00010, 0b00100, 0b00110 -> true;
            case 0b01000 -> u;
            case 0b01010 -> true;
            default -> false;
        };
        if (!known || size == 3 && !q && !scalar) {
            return cpu.undefined(insn);
        }
        int right = 2 * esize - immhb;
        int left = immhb - esize;
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        int lanes = scalar ? 1 : (q ? 16 : 8) >> size;
        long ones = Bits.ones(esize);
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long a = Vregs.lane(nlo, nhi, i, size);
            long d = Vregs.lane(dlo, dhi, i, size);
            long r = switch (opcode) {
                case 0b00000, 0b00100 -> SimdThreeSame.shift(u, size, a, -right, opcode == 0b00100);
                case 0b00010, 0b00110 -> d + SimdThreeSame.shift(u, size, a, -right, opcode == 0b00110);
                case 0b01000 -> {
                    long mask = right == 64 ? 0 : ones >>> right;
                    yield (d & ~mask) | (right == 64 ? 0 : a >>> right);
                }
                default -> {
                    long shifted = a << left;
                    yield u ? (d & ~(ones << left)) | shifted : shifted; // SLI, SHL
                }
            };
            r &= ones;
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

    /**
     * The saturating shifts, on {@link SimdSaturating}: SQSHLU, SQSHL/UQSHL (left, any element size
     * scalar, doublewords only with Q in a vector), and the narrows SQSHRUN, SQRSHRUN, SQSHRN,
     * UQSHRN, SQRSHRN, UQRSHRN (to the low half, the high half for the 2 forms, or a scalar).
     */
    private static Exit saturating(
            A64Cpu cpu, int insn, boolean scalar, boolean q, boolean u, int size, int opcode, int rn, int rd) {
        int immhb = bits(insn, 22, 16);
        int esize = 8 << size;
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        if (opcode == 0b01100 || opcode == 0b01110) {
            if (opcode == 0b01100 && !u || size == 3 && !q && !scalar) {
                return cpu.undefined(insn);
            }
            boolean unsignedIn = opcode == 0b01110 && u;
            boolean unsignedOut = u;
            int lanes = scalar ? 1 : (q ? 16 : 8) >> size;
            long rlo = 0;
            long rhi = 0;
            for (int i = 0; i < lanes; i++) {
                long a = Vregs.lane(nlo, nhi, i, size);
                long r = SimdSaturating.shift(cpu, a, size, immhb - esize, false, unsignedIn, unsignedOut)
                        & Bits.ones(esize);
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
        if (size == 3) {
            return cpu.undefined(insn);
        }
        boolean round = (opcode & 1) != 0;
        boolean unsignedIn = u && opcode >= 0b10010;
        boolean unsignedOut = u;
        int right = 2 * esize - immhb;
        int lanes = scalar ? 1 : 8 >> size;
        long r = 0;
        for (int i = 0; i < lanes; i++) {
            long a = Vregs.lane(nlo, nhi, i, size + 1);
            long e = SimdSaturating.shiftRightNarrow(cpu, a, size, right, round, unsignedIn, unsignedOut);
            r |= (e & Bits.ones(esize)) << (i * esize);
        }
        if (scalar) {
            Vregs.setScalar(cpu, rd, size, r);
        } else if (q) {
            cpu.vhi[rd] = r;
        } else {
            Vregs.setVector(cpu, rd, r, 0, false);
        }
        cpu.pc += 4;
        return null;
    }

    /** SCVTF/UCVTF and FCVTZS/FCVTZU (vector or scalar, fixed-point): fbits fraction bits. */
    private static Exit fixedPoint(
            A64Cpu cpu,
            int insn,
            boolean scalar,
            boolean q,
            boolean u,
            int size,
            int fbits,
            boolean toFloat,
            int rn,
            int rd) {
        if (size < 2 || size == 3 && !q && !scalar) {
            return cpu.undefined(insn); // halfwords: FP16
        }
        int width = 8 << size;
        int lanes = scalar ? 1 : (q ? 16 : 8) >> size;
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long e = Vregs.lane(nlo, nhi, i, size);
            long r;
            if (toFloat) {
                long v = width == 64 ? e : u ? e : (int) e;
                r = FpConvert.fromInteger(cpu, v, u && width == 64, size, fbits);
            } else {
                r = FpConvert.toInteger(cpu, e, size, FpArith.RZ, u, width, fbits);
            }
            r &= Bits.ones(width);
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

    /** SHRN/RSHRN: each double-width element shifted right into the low (or, for 2, high) half. */
    private static Exit narrow(A64Cpu cpu, boolean q, int size, int shift, boolean round, int rn, int rd) {
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        int lanes = 8 >> size;
        int esize = 8 << size;
        long r = 0;
        for (int i = 0; i < lanes; i++) {
            long e = SimdThreeSame.shift(true, size + 1, Vregs.lane(nlo, nhi, i, size + 1), -shift, round);
            r |= (e & Bits.ones(esize)) << (i * esize);
        }
        if (q) {
            cpu.vhi[rd] = r;
        } else {
            Vregs.setVector(cpu, rd, r, 0, false);
        }
        cpu.pc += 4;
        return null;
    }

    /** SSHLL/USHLL: each element of the low (or, for 2, high) half widened and shifted left. */
    private static Exit widen(A64Cpu cpu, boolean q, boolean u, int size, int shift, int rn, int rd) {
        long src = q ? cpu.vhi[rn] : cpu.vlo[rn];
        int lanes = 8 >> size;
        int out = size + 1;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long e = Vregs.lane(src, 0, i, size);
            long r = ((u ? e : Vregs.signed(e, size)) << shift) & Bits.ones(8 << out);
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
}
