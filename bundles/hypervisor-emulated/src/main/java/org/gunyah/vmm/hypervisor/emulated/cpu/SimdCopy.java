package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Advanced SIMD copy: DUP (element, general), INS (element, general; MOV), UMOV (MOV to a general
 * register) and SMOV. The element size is the lowest set bit of imm5, the index the bits above it.
 */
final class SimdCopy {
    private SimdCopy() {}

    static Exit execute(A64Cpu cpu, int insn) {
        boolean q = bit(insn, 30);
        boolean op = bit(insn, 29);
        int imm5 = bits(insn, 20, 16);
        int imm4 = bits(insn, 14, 11);
        int size = Integer.numberOfTrailingZeros(imm5);
        if (size > 3) {
            return cpu.undefined(insn);
        }
        int index = imm5 >>> (size + 1);
        int rn = bits(insn, 9, 5);
        int rd = bits(insn, 4, 0);
        if (op) {
            if (!q) {
                return cpu.undefined(insn);
            }
            Vregs.setElem(cpu, rd, index, size, Vregs.elem(cpu, rn, imm4 >>> size, size)); // INS (element)
        } else {
            switch (imm4) {
                case 0b0000, 0b0001 -> { // DUP (element), DUP (general)
                    if (size == 3 && !q) {
                        return cpu.undefined(insn);
                    }
                    long e = imm4 == 0 ? Vregs.elem(cpu, rn, index, size) : cpu.reg(rn) & Bits.ones(8 << size);
                    long v = Bits.replicate(e, 8 << size, 64);
                    Vregs.setVector(cpu, rd, v, v, q);
                }
                case 0b0011 -> { // INS (general)
                    if (!q) {
                        return cpu.undefined(insn);
                    }
                    Vregs.setElem(cpu, rd, index, size, cpu.reg(rn));
                }
                case 0b0101 -> { // SMOV
                    if (size > 2 || size == 2 && !q) {
                        return cpu.undefined(insn);
                    }
                    cpu.setReg(rd, Vregs.signed(Vregs.elem(cpu, rn, index, size), size), q);
                }
                case 0b0111 -> { // UMOV
                    if (q != (size == 3)) {
                        return cpu.undefined(insn);
                    }
                    cpu.setReg(rd, Vregs.elem(cpu, rn, index, size), q);
                }
                default -> {
                    return cpu.undefined(insn);
                }
            }
        }
        cpu.pc += 4;
        return null;
    }
}
