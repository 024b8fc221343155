package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * FPCR and FPSR for MRS/MSR, and the FPCR fields the floating-point instructions consult. As on a
 * Cortex-A57 (ARMv8.0, no FP16, no floating-point exception traps): FPCR keeps AHP, DN, FZ, RMode,
 * Stride and Len (bits 26:16 but FZ16) and ignores the trap enables; FPSR keeps N, Z, C, V (for
 * AArch32), QC and the cumulative flags IDC, IXC, UFC, OFC, DZC, IOC.
 *
 * <p>SystemRegisters calls {@link #read} and {@link #write} for the keys it does not know.
 */
final class FpControl {
    static final int FPCR = SystemRegisters.key(3, 3, 4, 4, 0);
    static final int FPSR = SystemRegisters.key(3, 3, 4, 4, 1);
    static final int FPCR_MASK = 0x07f7_0000;
    static final int FPSR_MASK = 0xf800_009f;

    static final int AHP = 1 << 26;
    static final int DN = 1 << 25;
    static final int FZ = 1 << 24;

    // FPSR cumulative exception flags.
    static final int IOC = 1;
    static final int DZC = 1 << 1;
    static final int OFC = 1 << 2;
    static final int UFC = 1 << 3;
    static final int IXC = 1 << 4;
    static final int IDC = 1 << 7;
    static final int QC = 1 << 27;

    // FPCR.RMode.
    static final int RN = 0;
    static final int RP = 1;
    static final int RM = 2;
    static final int RZ = 3;

    private FpControl() {}

    /** The value of FPCR or FPSR, or null for any other key. */
    static Long read(A64Cpu cpu, int key) {
        if (key == FPCR) {
            return (long) cpu.fpcr;
        } else if (key == FPSR) {
            return cpu.fpsr & 0xffff_ffffL;
        }
        return null;
    }

    /** Writes FPCR or FPSR (their writable bits); false for any other key. */
    static boolean write(A64Cpu cpu, int key, long value) {
        if (key == FPCR) {
            cpu.fpcr = (int) value & FPCR_MASK;
        } else if (key == FPSR) {
            cpu.fpsr = (int) value & FPSR_MASK;
        } else {
            return false;
        }
        return true;
    }

    /** FPCR.RMode, the rounding mode of instructions that use the current one. */
    static int roundingMode(A64Cpu cpu) {
        return (cpu.fpcr >>> 22) & 3;
    }
}
