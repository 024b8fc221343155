package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Advanced SIMD scalar forms (01 U 11110 ...): not yet implemented (undefined). */
final class SimdScalar {
    private SimdScalar() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }
}
