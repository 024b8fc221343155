package org.gunyah.vmm.hypervisor.emulated.cpu;

/** MRS/MSR: the system registers the vCPU knows, by their op0:op1:CRn:CRm:op2 key. */
final class SystemRegisters {
    static int key(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    static final int VBAR_EL1 = key(3, 0, 12, 0, 0);
    static final int ELR_EL1 = key(3, 0, 4, 0, 1);
    static final int SPSR_EL1 = key(3, 0, 4, 0, 0);
    static final int ESR_EL1 = key(3, 0, 5, 2, 0);
    static final int FAR_EL1 = key(3, 0, 6, 0, 0);
    static final int TPIDR_EL1 = key(3, 0, 13, 0, 4);
    static final int TPIDR_EL0 = key(3, 3, 13, 0, 2);
    static final int SCTLR_EL1 = key(3, 0, 1, 0, 0);
    static final int MPIDR_EL1 = key(3, 0, 0, 0, 5);
    static final int CURRENT_EL = key(3, 0, 4, 2, 2);
    static final int DAIF = key(3, 3, 4, 2, 1);
    static final int NZCV = key(3, 3, 4, 2, 0);
    static final int SPSEL = key(3, 0, 4, 2, 0);
    static final int SP_EL0 = key(3, 0, 4, 1, 0);
    static final int CNTVCT_EL0 = key(3, 3, 14, 0, 2);
    static final int ICC_IAR1_EL1 = key(3, 0, 12, 12, 0);
    static final int ICC_EOIR1_EL1 = key(3, 0, 12, 12, 1);

    private SystemRegisters() {}

    /** The value read, or null for a register that cannot be read. */
    static Long read(A64Cpu cpu, int key) {
        if (key == VBAR_EL1) {
            return cpu.vbar;
        } else if (key == ELR_EL1) {
            return cpu.elr;
        } else if (key == SPSR_EL1) {
            return cpu.spsr;
        } else if (key == ESR_EL1) {
            return cpu.esr;
        } else if (key == FAR_EL1) {
            return cpu.far;
        } else if (key == TPIDR_EL1) {
            return cpu.tpidrEl1;
        } else if (key == TPIDR_EL0) {
            return cpu.tpidrEl0;
        } else if (key == SCTLR_EL1) {
            return cpu.sctlr;
        } else if (key == MPIDR_EL1) {
            return (1L << 31) | cpu.index;
        } else if (key == CURRENT_EL) {
            return 0b0100L;
        } else if (key == DAIF) {
            return (long) cpu.daif;
        } else if (key == NZCV) {
            return (long) cpu.nzcv() << 28;
        } else if (key == SPSEL) {
            return cpu.spSel ? 1L : 0L;
        } else if (key == SP_EL0) {
            return cpu.spEl0;
        } else if (key == CNTVCT_EL0) {
            return cpu.instructions;
        } else if (key == ICC_IAR1_EL1) {
            return cpu.gic.acknowledge();
        }
        return null;
    }

    /** False for a register that cannot be written. */
    static boolean write(A64Cpu cpu, int key, long value) {
        if (key == VBAR_EL1) {
            cpu.vbar = value & ~0x7ffL;
        } else if (key == ELR_EL1) {
            cpu.elr = value;
        } else if (key == SPSR_EL1) {
            cpu.spsr = value;
        } else if (key == ESR_EL1) {
            cpu.esr = value;
        } else if (key == FAR_EL1) {
            cpu.far = value;
        } else if (key == TPIDR_EL1) {
            cpu.tpidrEl1 = value;
        } else if (key == TPIDR_EL0) {
            cpu.tpidrEl0 = value;
        } else if (key == SCTLR_EL1) {
            cpu.sctlr = value;
        } else if (key == DAIF) {
            cpu.daif = (int) value & A64Cpu.DAIF_ALL;
        } else if (key == NZCV) {
            cpu.setNzcv((int) (value >>> 28) & 0xf);
        } else if (key == SPSEL) {
            cpu.spSel = (value & 1) != 0;
        } else if (key == SP_EL0) {
            cpu.spEl0 = value;
        } else if (key == ICC_EOIR1_EL1) {
            cpu.gic.endOfInterrupt(value & 0xffffff);
        } else {
            return false;
        }
        return true;
    }
}
