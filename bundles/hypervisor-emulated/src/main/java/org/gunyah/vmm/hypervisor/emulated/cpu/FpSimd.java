package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Data processing, scalar floating point and Advanced SIMD (the op0 = x111 group). */
final class FpSimd {
    private FpSimd() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }
}
