package org.gunyah.vmm.hypervisor.emulated.cpu;

/** The top-level A64 decode (the Arm ARM's op0 groups), handing each group to its class. */
final class Decoder {
    private Decoder() {}

    /** Executes one instruction; null to go on, else the exit. Advances the PC. */
    static Exit execute(A64Cpu cpu, int insn) {
        int op0 = (insn >>> 25) & 0xf;
        if ((op0 & 0b1110) == 0b1000) {
            return DataImmediate.execute(cpu, insn);
        }
        if ((op0 & 0b1110) == 0b1010) {
            return BranchSystem.execute(cpu, insn);
        }
        if ((op0 & 0b0101) == 0b0100) {
            if (bit(insn, 26) && !cpu.fpEnabled) {
                throw Exceptions.fpAccess(insn); // SIMD&FP loads and stores
            }
            return LoadStore.execute(cpu, insn);
        }
        if ((op0 & 0b0111) == 0b0101) {
            return DataRegister.execute(cpu, insn);
        }
        if ((op0 & 0b0111) == 0b0111) {
            if (!cpu.fpEnabled) {
                throw Exceptions.fpAccess(insn);
            }
            return FpSimd.execute(cpu, insn);
        }
        return cpu.undefined(insn);
    }

    static int bits(int insn, int hi, int lo) {
        return (insn >>> lo) & ((1 << (hi - lo + 1)) - 1);
    }

    static boolean bit(int insn, int b) {
        return ((insn >>> b) & 1) != 0;
    }
}
