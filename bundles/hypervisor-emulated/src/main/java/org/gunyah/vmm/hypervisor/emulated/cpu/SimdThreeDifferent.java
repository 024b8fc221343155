package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Advanced SIMD three different (the long, wide and narrow forms): not yet implemented. */
final class SimdThreeDifferent {
    private SimdThreeDifferent() {}

    static Exit execute(A64Cpu cpu, int insn) {
        return cpu.undefined(insn);
    }
}
