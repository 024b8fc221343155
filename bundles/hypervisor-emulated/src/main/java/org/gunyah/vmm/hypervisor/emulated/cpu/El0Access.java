package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * What EL0 may do of the system instructions (Arm ARM D8 and the registers' pages): the few
 * registers and maintenance operations open to applications, some of them only where EL1 allows
 * it through SCTLR_EL1 or CNTKCTL_EL1 (otherwise trapped to EL1 with EC 0x18, which the kernel may
 * emulate). Everything else is UNDEFINED at EL0, the ID registers included (Linux emulates those
 * from its undefined-instruction handler).
 */
final class El0Access {
    private El0Access() {}

    private static final int NZCV = SystemRegisters.NZCV;
    private static final int DAIF = SystemRegisters.DAIF;
    private static final int TPIDR_EL0 = SystemRegisters.TPIDR_EL0;
    private static final int TPIDRRO_EL0 = SystemRegisters.TPIDRRO_EL0;
    private static final int CTR_EL0 = SystemRegisters.key(3, 3, 0, 0, 1);
    private static final int DCZID_EL0 = SystemRegisters.key(3, 3, 0, 0, 7);

    /** MSR DAIFSet/DAIFClr (SCTLR_EL1.UMA) and the other PSTATE fields (SPSel: UNDEFINED) at EL0. */
    static void checkPstateWrite(A64Cpu cpu, int insn, int op1, int op2) {
        if (op1 == 3 && (op2 == 6 || op2 == 7)) {
            allowedIf(insn, (cpu.sctlr & A64Cpu.SCTLR_UMA) != 0);
            return;
        }
        throw Exceptions.undefined(insn);
    }

    /** MRS, MSR or SYS at EL0: returns when allowed, else throws the exception EL1 takes. */
    static void checkSystem(A64Cpu cpu, int insn, int op0, int op1, int crn, int crm, int op2, boolean read) {
        if (op1 != 3) {
            throw Exceptions.undefined(insn);
        }
        if (op0 == 1) {
            checkMaintenance(cpu, insn, crn, crm, op2);
            return;
        }
        int key = SystemRegisters.key(op0, op1, crn, crm, op2);
        if (key == NZCV || key == FpControl.FPCR || key == FpControl.FPSR || key == TPIDR_EL0) {
            return;
        }
        if (key == TPIDRRO_EL0 || key == DCZID_EL0) {
            if (read) {
                return;
            }
            throw Exceptions.undefined(insn);
        }
        if (key == DAIF) {
            allowedIf(insn, (cpu.sctlr & A64Cpu.SCTLR_UMA) != 0);
        } else if (key == CTR_EL0 && read) {
            allowedIf(insn, (cpu.sctlr & A64Cpu.SCTLR_UCT) != 0);
        } else if (op0 == 3 && crn == 14) {
            allowedIf(insn, cpu.timer.el0MayAccess(key));
        } else {
            throw Exceptions.undefined(insn);
        }
    }

    /** DC ZVA (SCTLR_EL1.DZE), DC CVAU/CVAC/CIVAC and IC IVAU (SCTLR_EL1.UCI); the rest UNDEFINED. */
    private static void checkMaintenance(A64Cpu cpu, int insn, int crn, int crm, int op2) {
        if (crn != 7 || op2 != 1) {
            throw Exceptions.undefined(insn);
        }
        switch (crm) {
            case 4 -> allowedIf(insn, (cpu.sctlr & A64Cpu.SCTLR_DZE) != 0);
            case 5, 10, 11, 14 -> allowedIf(insn, (cpu.sctlr & A64Cpu.SCTLR_UCI) != 0);
            default -> throw Exceptions.undefined(insn);
        }
    }

    private static void allowedIf(int insn, boolean allowed) {
        if (!allowed) {
            throw Exceptions.systemAccess(insn);
        }
    }
}
