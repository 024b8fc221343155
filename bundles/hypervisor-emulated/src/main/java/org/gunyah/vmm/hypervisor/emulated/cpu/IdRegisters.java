package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * The identification registers: what the vCPU says it is. They describe exactly what is
 * implemented, since software (the kernel's cpufeature code, glibc through the HWCAPs) selects
 * code by them: ARMv8.0-A at EL0 and EL1 in AArch64 only, FP and AdvSIMD, the GICv3 system
 * register interface, CRC32 and the v8.1 LSE atomics; no EL2/EL3, AArch32, PMU, SVE, SME, MTE,
 * pointer authentication or other later extension. The rest of the ID space reads as zero.
 */
final class IdRegisters {
    private IdRegisters() {}

    /** As QEMU's cortex-a57 (Arm, r1p0), the reference the platform is checked against. */
    static final long MIDR = 0x411f_d070L;
    /** EL0 and EL1 AArch64 only (1), FP and AdvSIMD implemented (0), GIC system registers (1). */
    static final long AA64PFR0 = 0x0100_0011L;
    /** Debug v8.0 (6), no PMU, 2 breakpoints and 2 watchpoints, 1 context comparator. */
    static final long AA64DFR0 = 0x0000_1006L | (1L << 12) | (1L << 20);
    /** CRC32 (1) and the LSE atomics (2). */
    static final long AA64ISAR0 = 0x0021_0000L;
    /** 44-bit physical addresses (4), 16-bit ASIDs (2), 4 KiB granule only (16 and 64 KiB: not supported). */
    static final long AA64MMFR0 = 0x0f00_0024L;
    /** 64-byte lines for instructions and data, PIPT instruction cache, 64-byte granules. */
    static final long CTR = 0x8444_c004L;
    /** DC ZVA zeroes 2^4 words: 64 bytes. */
    static final long DCZID = 4;

    static final int DC_ZVA_BYTES = 64;
    /** One level of separate instruction and data caches, the point of unification and coherence. */
    static final long CLIDR = 0x0920_0003L;
    /** 32 KiB, 4-way, 64-byte lines: 256 sets. */
    static final long CCSIDR_L1 = (255L << 13) | (3L << 3) | 2;

    static final int BREAKPOINTS = 2;
    static final int WATCHPOINTS = 2;

    /** The value of an ID register ({@code op0 = 3, op1 = 0, CRn = 0}), or null outside the ID space. */
    static Long read(A64Cpu cpu, int op1, int crn, int crm, int op2) {
        if (crn != 0) {
            return null;
        }
        if (op1 == 0 && crm == 0) {
            return switch (op2) {
                case 0 -> MIDR;
                case 5 -> (1L << 31) | cpu.index; // MPIDR: uniprocessor bit clear, Aff0 = vCPU index
                case 6 -> 0L; // REVIDR
                default -> null;
            };
        }
        if (op1 == 0 && crm >= 1 && crm <= 7) {
            return switch (crm << 3 | op2) {
                case 4 << 3 -> AA64PFR0;
                case 5 << 3 -> AA64DFR0;
                case 6 << 3 -> AA64ISAR0;
                case 7 << 3 -> AA64MMFR0;
                default -> 0L; // the rest of the ID space, AArch32's included: RAZ
            };
        }
        if (op1 == 1 && crm == 0) {
            return switch (op2) {
                case 0 -> cpu.el1.csselr == 0 || cpu.el1.csselr == 1 ? CCSIDR_L1 : 0L;
                case 1 -> CLIDR;
                case 7 -> 0L; // AIDR
                default -> null;
            };
        }
        if (op1 == 2 && crm == 0 && op2 == 0) {
            return cpu.el1.csselr;
        }
        if (op1 == 3 && crm == 0) {
            return switch (op2) {
                case 1 -> CTR;
                case 7 -> DCZID;
                default -> null;
            };
        }
        return null;
    }
}
