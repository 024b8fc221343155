package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD three different: the long forms (SADDL/UADDL, SSUBL/USUBL, SABAL/UABAL,
 * SABDL/UABDL, SMLAL/UMLAL, SMLSL/UMLSL, SMULL/UMULL, PMULL of bytes), the wide forms
 * (SADDW/UADDW, SSUBW/USUBW) and the narrowing high halves (ADDHN/RADDHN, SUBHN/RSUBHN), each
 * with its 2 form (the high half of the narrow operands or result), and the saturating doubling
 * SQDMLAL, SQDMLSL, SQDMULL (vector and scalar) on {@link SimdSaturating}. PMULL of doublewords is
 * crypto (undefined).
 */
final class SimdThreeDifferent {
    private SimdThreeDifferent() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return execute(cpu, insn, false);
    }

    /** {@code scalar}: the Advanced SIMD scalar form (SQDMLAL, SQDMLSL, SQDMULL only), one lane. */
    static Exit execute(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        int size = bits(insn, 23, 22);
        int opcode = bits(insn, 15, 12);
        boolean doubling = opcode == 9 || opcode == 11 || opcode == 13;
        boolean known = switch (opcode) {
            case 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12 -> !scalar;
            case 9, 11, 13 -> !u && (size == 1 || size == 2);
            case 14 -> !u && size == 0 && !scalar;
            default -> false;
        };
        if (!known || size == 3) {
            return cpu.undefined(insn);
        }
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        int rd = bits(insn, 4, 0);
        int wide = size + 1;
        int lanes = scalar ? 1 : 8 >> size;
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long mHalf = q ? cpu.vhi[rm] : cpu.vlo[rm];
        long nHalf = q ? nhi : nlo;
        if (opcode == 4 || opcode == 6) { // ADDHN, SUBHN (R: rounding)
            long mlo = cpu.vlo[rm];
            long mhi = cpu.vhi[rm];
            int esize = 8 << size;
            long r = 0;
            for (int i = 0; i < lanes; i++) {
                long a = Vregs.lane(nlo, nhi, i, wide);
                long b = Vregs.lane(mlo, mhi, i, wide);
                long sum = opcode == 4 ? a + b : a - b;
                if (u) {
                    sum += 1L << (esize - 1);
                }
                r |= ((sum >>> esize) & Bits.ones(esize)) << (i * esize);
            }
            if (q) {
                cpu.vhi[rd] = r;
            } else {
                Vregs.setVector(cpu, rd, r, 0, false);
            }
            cpu.pc += 4;
            return null;
        }
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            if (doubling) {
                long p = SimdSaturating.doublingMultiplyLong(
                        cpu, Vregs.lane(nHalf, 0, i, size), Vregs.lane(mHalf, 0, i, size), size);
                long d = Vregs.lane(dlo, dhi, i, wide);
                long r = opcode == 13 ? p : SimdSaturating.accumulate(cpu, d, p, size, opcode == 11);
                r &= Bits.ones(8 << wide);
                int bit = i << (3 + wide);
                if (bit < 64) {
                    rlo |= r << bit;
                } else {
                    rhi |= r << (bit - 64);
                }
                continue;
            }
            long a = opcode == 1 || opcode == 3
                    ? Vregs.lane(nlo, nhi, i, wide)
                    : extend(Vregs.lane(nHalf, 0, i, size), size, u);
            long b = extend(Vregs.lane(mHalf, 0, i, size), size, u);
            long d = Vregs.lane(dlo, dhi, i, wide);
            long r = switch (opcode) {
                case 0, 1 -> a + b;
                case 2, 3 -> a - b;
                case 5 -> d + Math.abs(a - b);
                case 7 -> Math.abs(a - b);
                case 8 -> d + a * b;
                case 10 -> d - a * b;
                case 12 -> a * b;
                default -> polyMul(a, b);
            };
            r &= Bits.ones(8 << wide);
            int bit = i << (3 + wide);
            if (bit < 64) {
                rlo |= r << bit;
            } else {
                rhi |= r << (bit - 64);
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, !scalar);
        cpu.pc += 4;
        return null;
    }

    private static long extend(long e, int size, boolean unsigned) {
        return unsigned ? e : Vregs.signed(e, size);
    }

    private static long polyMul(long a, long b) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            if ((b >> i & 1) != 0) {
                r ^= (a & 0xff) << i;
            }
        }
        return r;
    }
}
