package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Loads and stores of the SIMD and floating-point registers (the V bit, 26, set). */
final class SimdLoadStore {
    private SimdLoadStore() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }
}
