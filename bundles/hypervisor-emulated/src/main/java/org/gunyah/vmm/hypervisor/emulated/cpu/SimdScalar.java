package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD scalar (01 U 11110 ... and 01 U 11111 ...): copy (DUP, the MOV of one element),
 * pairwise (ADDP, FADDP, FMAXP, FMINP, FMAXNMP, FMINNMP), and the one-lane forms of three same,
 * three different, two-register misc, shift by immediate and by element, which the vector classes
 * compute with one lane.
 */
final class SimdScalar {
    private SimdScalar() {}

    static Exit execute(A64Cpu cpu, int insn) {
        if (bit(insn, 24)) {
            if (!bit(insn, 10)) {
                return SimdByElement.execute(cpu, insn, true);
            }
            if (bit(insn, 23) || bits(insn, 22, 19) == 0) {
                return cpu.undefined(insn);
            }
            return SimdShiftImmediate.execute(cpu, insn, true);
        }
        if (bit(insn, 21)) {
            if (bit(insn, 10)) {
                return SimdThreeSame.execute(cpu, insn, true);
            }
            if (bits(insn, 11, 10) == 0b10 && bits(insn, 20, 17) == 0b0000) {
                return SimdTwoReg.execute(cpu, insn, true);
            }
            if (bits(insn, 11, 10) == 0b10 && bits(insn, 20, 17) == 0b1000) {
                return pairwise(cpu, insn);
            }
            if (bits(insn, 11, 10) == 0b00) {
                return SimdThreeDifferent.execute(cpu, insn, true);
            }
            return cpu.undefined(insn);
        }
        if (!bit(insn, 29) && bits(insn, 23, 22) == 0 && bits(insn, 15, 10) == 0b000001) {
            return duplicate(cpu, insn);
        }
        return cpu.undefined(insn);
    }

    /** DUP (element), scalar: Vd = Vn[index], zeroing the rest. */
    private static Exit duplicate(A64Cpu cpu, int insn) {
        int imm5 = bits(insn, 20, 16);
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) {
            return cpu.undefined(insn);
        }
        long e = Vregs.elem(cpu, bits(insn, 9, 5), imm5 >>> (size + 1), size);
        Vregs.setScalar(cpu, bits(insn, 4, 0), size, e);
        cpu.pc += 4;
        return null;
    }

    private static Exit pairwise(A64Cpu cpu, int insn) {
        boolean u = bit(insn, 29);
        int opcode = bits(insn, 16, 12);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        if (!u) {
            if (opcode != 0b11011 || bits(insn, 23, 22) != 3) {
                return cpu.undefined(insn);
            }
            Vregs.setScalar(cpu, rd, 3, cpu.vlo[rn] + cpu.vhi[rn]); // ADDP
            cpu.pc += 4;
            return null;
        }
        int log2 = bit(insn, 22) ? 3 : 2;
        boolean a = bit(insn, 23);
        long x = log2 == 3 ? cpu.vlo[rn] : cpu.vlo[rn] & Bits.W;
        long y = log2 == 3 ? cpu.vhi[rn] : cpu.vlo[rn] >>> 32;
        long r;
        switch (opcode) {
            case 0b01100 -> r = FpArith.maxMin(cpu, x, y, log2, !a, true);
            case 0b01101 -> {
                if (a) {
                    return cpu.undefined(insn);
                }
                r = FpArith.arith(cpu, 0, x, y, log2);
            }
            case 0b01111 -> r = FpArith.maxMin(cpu, x, y, log2, !a, false);
            default -> {
                return cpu.undefined(insn);
            }
        }
        Vregs.setScalar(cpu, rd, log2, r);
        cpu.pc += 4;
        return null;
    }
}
