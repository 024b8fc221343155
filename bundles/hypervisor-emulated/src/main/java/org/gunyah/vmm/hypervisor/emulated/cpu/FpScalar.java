package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Scalar floating point data processing. */
final class FpScalar {
    private FpScalar() {}

    static Exit threeSource(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit conditionalCompare(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit twoSource(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit conditionalSelect(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit oneSource(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit compare(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit immediate(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
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
