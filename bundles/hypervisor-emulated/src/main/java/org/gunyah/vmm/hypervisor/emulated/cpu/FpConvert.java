package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Conversions between floating point and integer: FMOV (general), every form including the top
 * half of a Q register.
 */
final class FpConvert {
    private FpConvert() {}

    /** Floating-point and fixed-point conversions (bit 21 clear). */
    static Exit fixedPoint(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
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
        return cpu.undefined(insn);
    }
}
