package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD vector x indexed element: MUL, MLA, MLS, SMULL/UMULL, SMLAL/UMLAL, SMLSL/UMLSL
 * (and 2), FMUL, FMULX, FMLA, FMLS, and the saturating SQDMULL, SQDMLAL, SQDMLSL (and 2),
 * SQDMULH, SQRDMULH, each lane of Vn with one element of Vm; and the scalar forms of the FP ones
 * and the saturating ones (one lane). The index is H:L:M for halfwords (Vm then V0-V15), H:L for
 * words and singles, H for doubles.
 */
final class SimdByElement {
    private SimdByElement() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return execute(cpu, insn, false);
    }

    static Exit execute(A64Cpu cpu, int insn, boolean scalar) {
        boolean q = bit(insn, 30) && !scalar;
        boolean u = bit(insn, 29);
        int size = bits(insn, 23, 22);
        int opcode = bits(insn, 15, 12);
        int h = bits(insn, 11, 11);
        int l = bits(insn, 21, 21);
        int m = bits(insn, 20, 20);
        int key = (u ? 16 : 0) | opcode;
        boolean fp = key == 1 || key == 5 || key == 9 || key == 25;
        boolean doublingLong = key == 3 || key == 7 || key == 11;
        boolean longForm = doublingLong || key == 2 || key == 6 || key == 10 || key == 18 || key == 22 || key == 26;
        boolean known = fp || longForm || key == 8 || key == 16 || key == 20 || key == 12 || key == 13;
        if (!known || scalar && !(fp || doublingLong || key == 12 || key == 13)) {
            return cpu.undefined(insn);
        }
        int log2;
        int index;
        int rm;
        if (fp) {
            if ((size & 2) == 0 || size == 3 && (l == 1 || !q && !scalar)) {
                return cpu.undefined(insn); // size 0x: half precision (FP16)
            }
            log2 = size == 3 ? 3 : 2;
            index = size == 3 ? h : h << 1 | l;
            rm = bits(insn, 20, 16);
        } else {
            if (size == 0 || size == 3) {
                return cpu.undefined(insn);
            }
            log2 = size;
            index = size == 1 ? h << 2 | l << 1 | m : h << 1 | l;
            rm = size == 1 ? bits(insn, 19, 16) : bits(insn, 20, 16);
        }
        long e = Vregs.elem(cpu, rm, index, log2);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        int out = longForm ? log2 + 1 : log2;
        int lanes = scalar ? 1 : longForm ? 8 >> log2 : (q ? 16 : 8) >> log2;
        long src = q ? nhi : nlo;
        long rlo = 0;
        long rhi = 0;
        long sign = FpArith.signBit(log2);
        for (int i = 0; i < lanes; i++) {
            long r;
            long d = Vregs.lane(dlo, dhi, i, out);
            if (doublingLong) {
                long p = SimdSaturating.doublingMultiplyLong(cpu, Vregs.lane(src, 0, i, log2), e, log2);
                r = key == 11 ? p : SimdSaturating.accumulate(cpu, d, p, log2, key == 7);
            } else if (longForm) {
                long a = Vregs.lane(src, 0, i, log2);
                long p = u ? a * e : Vregs.signed(a, log2) * Vregs.signed(e, log2);
                r = opcode == 2 ? d + p : opcode == 6 ? d - p : p;
            } else {
                long a = Vregs.lane(nlo, nhi, i, log2);
                r = switch (key) {
                    case 1 -> FpArith.mulAdd(cpu, d, a, e, log2);
                    case 5 -> FpArith.mulAdd(cpu, d, a ^ sign, e, log2);
                    case 9 -> FpArith.arith(cpu, 2, a, e, log2);
                    case 25 -> FpEstimates.mulX(cpu, a, e, log2);
                    case 12, 13 -> SimdSaturating.doublingMultiplyHigh(cpu, a, e, log2, key == 13);
                    case 8 -> a * e;
                    case 16 -> d + a * e;
                    default -> d - a * e; // MLS
                };
            }
            r &= Bits.ones(8 << out);
            int bit = i << (3 + out);
            if (bit < 64) {
                rlo |= r << bit;
            } else {
                rhi |= r << (bit - 64);
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, (q || longForm) && !scalar);
        cpu.pc += 4;
        return null;
    }
}
