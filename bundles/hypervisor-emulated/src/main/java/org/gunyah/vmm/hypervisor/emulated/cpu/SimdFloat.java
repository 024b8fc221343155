package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Advanced SIMD floating point, vector forms: not yet implemented (undefined). */
final class SimdFloat {
    private SimdFloat() {}

    static Exit threeSame(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit twoReg(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }

    static Exit acrossLanes(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }
}
