package org.gunyah.vmm.hypervisor.emulated.cpu;

import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;

/**
 * MRS/MSR: the system registers the vCPU has at EL1, by their op0:op1:CRn:CRm:op2 key. A register
 * not here, or a write to a read-only one, is UNDEFINED: EL2 and EL3 registers, and those of
 * features the ID registers do not advertise (PMU, SVE, MTE, ...). The generic timer's (CRn 14)
 * are its own ({@link GenericTimer}); most of the GIC CPU interface's come with the Linux platform.
 */
final class SystemRegisters {
    /** op0:op1:CRn:CRm:op2 as one number, as the constants below are written (constant expressions, for the switches). */
    static int key(int op0, int op1, int crn, int crm, int op2) {
        return op0 << 14 | op1 << 11 | crn << 7 | crm << 3 | op2;
    }

    static final int VBAR_EL1 = 3 << 14 | 0 << 11 | 12 << 7 | 0 << 3 | 0;
    static final int ELR_EL1 = 3 << 14 | 0 << 11 | 4 << 7 | 0 << 3 | 1;
    static final int SPSR_EL1 = 3 << 14 | 0 << 11 | 4 << 7 | 0 << 3 | 0;
    static final int ESR_EL1 = 3 << 14 | 0 << 11 | 5 << 7 | 2 << 3 | 0;
    static final int FAR_EL1 = 3 << 14 | 0 << 11 | 6 << 7 | 0 << 3 | 0;
    static final int TPIDR_EL1 = 3 << 14 | 0 << 11 | 13 << 7 | 0 << 3 | 4;
    static final int TPIDR_EL0 = 3 << 14 | 3 << 11 | 13 << 7 | 0 << 3 | 2;
    static final int TPIDRRO_EL0 = 3 << 14 | 3 << 11 | 13 << 7 | 0 << 3 | 3;
    static final int SCTLR_EL1 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 0;
    static final int ACTLR_EL1 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 1;
    static final int CPACR_EL1 = 3 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 2;
    static final int TTBR0_EL1 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 0;
    static final int TTBR1_EL1 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 1;
    static final int TCR_EL1 = 3 << 14 | 0 << 11 | 2 << 7 | 0 << 3 | 2;
    static final int AFSR0_EL1 = 3 << 14 | 0 << 11 | 5 << 7 | 1 << 3 | 0;
    static final int AFSR1_EL1 = 3 << 14 | 0 << 11 | 5 << 7 | 1 << 3 | 1;
    static final int PAR_EL1 = 3 << 14 | 0 << 11 | 7 << 7 | 4 << 3 | 0;
    static final int MAIR_EL1 = 3 << 14 | 0 << 11 | 10 << 7 | 2 << 3 | 0;
    static final int AMAIR_EL1 = 3 << 14 | 0 << 11 | 10 << 7 | 3 << 3 | 0;
    static final int ISR_EL1 = 3 << 14 | 0 << 11 | 12 << 7 | 1 << 3 | 0;
    static final int CONTEXTIDR_EL1 = 3 << 14 | 0 << 11 | 13 << 7 | 0 << 3 | 1;
    static final int CURRENT_EL = 3 << 14 | 0 << 11 | 4 << 7 | 2 << 3 | 2;
    static final int DAIF = 3 << 14 | 3 << 11 | 4 << 7 | 2 << 3 | 1;
    static final int NZCV = 3 << 14 | 3 << 11 | 4 << 7 | 2 << 3 | 0;
    static final int SPSEL = 3 << 14 | 0 << 11 | 4 << 7 | 2 << 3 | 0;
    static final int SP_EL0 = 3 << 14 | 0 << 11 | 4 << 7 | 1 << 3 | 0;
    static final int ICC_IAR1_EL1 = 3 << 14 | 0 << 11 | 12 << 7 | 12 << 3 | 0;
    static final int ICC_EOIR1_EL1 = 3 << 14 | 0 << 11 | 12 << 7 | 12 << 3 | 1;
    static final int MDCCINT_EL1 = 2 << 14 | 0 << 11 | 0 << 7 | 2 << 3 | 0;
    static final int MDSCR_EL1 = 2 << 14 | 0 << 11 | 0 << 7 | 2 << 3 | 2;
    static final int OSLAR_EL1 = 2 << 14 | 0 << 11 | 1 << 7 | 0 << 3 | 4;
    static final int OSLSR_EL1 = 2 << 14 | 0 << 11 | 1 << 7 | 1 << 3 | 4;
    static final int OSDLR_EL1 = 2 << 14 | 0 << 11 | 1 << 7 | 3 << 3 | 4;
    static final int DBGAUTHSTATUS_EL1 = 2 << 14 | 0 << 11 | 7 << 7 | 14 << 3 | 6;

    private SystemRegisters() {}

    /** The value read, or null for a register that cannot be read. */
    static Long read(A64Cpu cpu, int op0, int op1, int crn, int crm, int op2) {
        if (op0 == 3 && crn == 0) {
            return IdRegisters.read(cpu, op1, crn, crm, op2);
        }
        if (op0 == 2 && op1 == 0 && crn == 0 && op2 >= 4) {
            long[] debug = debugRegisters(cpu, op2);
            return crm < debug.length ? debug[crm] : null;
        }
        if (InterruptInterface.isIcc(op0, op1, crn, crm, op2)) {
            return cpu.gic.read(key(op0, op1, crn, crm, op2));
        }
        El1Registers r = cpu.el1;
        int key = key(op0, op1, crn, crm, op2);
        if (GenericTimer.isTimerRegister(key)) {
            return cpu.timer.read(key);
        }
        return switch (key) {
            case VBAR_EL1 -> cpu.vbar;
            case ELR_EL1 -> cpu.elr;
            case SPSR_EL1 -> cpu.spsr;
            case ESR_EL1 -> cpu.esr;
            case FAR_EL1 -> cpu.far;
            case TPIDR_EL1 -> cpu.tpidrEl1;
            case TPIDR_EL0 -> cpu.tpidrEl0;
            case TPIDRRO_EL0 -> r.tpidrro;
            case SCTLR_EL1 -> cpu.sctlr;
            case ACTLR_EL1 -> r.actlr;
            case CPACR_EL1 -> r.cpacr;
            case TTBR0_EL1 -> r.ttbr0;
            case TTBR1_EL1 -> r.ttbr1;
            case TCR_EL1 -> r.tcr;
            case AFSR0_EL1 -> r.afsr0;
            case AFSR1_EL1 -> r.afsr1;
            case PAR_EL1 -> r.par;
            case MAIR_EL1 -> r.mair;
            case AMAIR_EL1 -> r.amair;
            case ISR_EL1 -> cpu.interruptPending() ? 1L << 7 : 0L;
            case CONTEXTIDR_EL1 -> r.contextidr;
            case CURRENT_EL -> (long) cpu.el << 2;
            case DAIF -> (long) cpu.daif;
            case NZCV -> (long) cpu.nzcv() << 28;
            case SPSEL -> cpu.spSel ? 1L : 0L;
            case SP_EL0 -> cpu.spEl0;
            case MDCCINT_EL1 -> r.mdccint;
            case MDSCR_EL1 -> r.mdscr;
            case OSLSR_EL1 -> (1L << 3) | (r.osLock ? 1L << 1 : 0); // OS lock implemented, and its state
            case OSDLR_EL1 -> r.osdlr;
            case DBGAUTHSTATUS_EL1 -> 0L;
            default -> FpControl.read(cpu, key);
        };
    }

    /** False for a register that cannot be written. */
    static boolean write(A64Cpu cpu, int op0, int op1, int crn, int crm, int op2, long value) {
        if (op0 == 2 && op1 == 0 && crn == 0 && op2 >= 4) {
            long[] debug = debugRegisters(cpu, op2);
            if (crm >= debug.length) {
                return false;
            }
            debug[crm] = value;
            return true;
        }
        if (InterruptInterface.isIcc(op0, op1, crn, crm, op2)) {
            return cpu.gic.write(key(op0, op1, crn, crm, op2), value);
        }
        El1Registers r = cpu.el1;
        if (GenericTimer.isTimerRegister(key(op0, op1, crn, crm, op2))) {
            return cpu.timer.write(key(op0, op1, crn, crm, op2), value);
        }
        switch (key(op0, op1, crn, crm, op2)) {
            case VBAR_EL1 -> cpu.vbar = value & ~0x7ffL;
            case ELR_EL1 -> cpu.elr = value;
            case SPSR_EL1 -> cpu.spsr = value;
            case ESR_EL1 -> cpu.esr = value;
            case FAR_EL1 -> cpu.far = value;
            case TPIDR_EL1 -> cpu.tpidrEl1 = value;
            case TPIDR_EL0 -> cpu.tpidrEl0 = value;
            case TPIDRRO_EL0 -> r.tpidrro = value;
            case SCTLR_EL1 -> {
                cpu.sctlr = value;
                cpu.mmu.registersWritten(true);
            }
            case ACTLR_EL1 -> r.actlr = value;
            case CPACR_EL1 -> {
                r.cpacr = value & (3L << 20); // FPEN; ZEN, SMEN and TTA belong to what is not implemented
                cpu.fpEnabled = r.fpEnabledAt(cpu.el);
            }
            case TTBR0_EL1 -> {
                r.ttbr0 = value;
                cpu.mmu.registersWritten(false);
            }
            case TTBR1_EL1 -> {
                r.ttbr1 = value;
                cpu.mmu.registersWritten(false);
            }
            case TCR_EL1 -> {
                r.tcr = value;
                cpu.mmu.registersWritten(true);
            }
            case AFSR0_EL1 -> r.afsr0 = value;
            case AFSR1_EL1 -> r.afsr1 = value;
            case PAR_EL1 -> r.par = value;
            case MAIR_EL1 -> {
                r.mair = value;
                cpu.mmu.registersWritten(true);
            }
            case AMAIR_EL1 -> r.amair = value;
            case CONTEXTIDR_EL1 -> r.contextidr = value & 0xffff_ffffL;
            case DAIF -> cpu.daif = (int) value & A64Cpu.DAIF_ALL;
            case NZCV -> cpu.setNzcv((int) (value >>> 28) & 0xf);
            case SPSEL -> cpu.spSel = (value & 1) != 0;
            case SP_EL0 -> cpu.spEl0 = value;
            case MDCCINT_EL1 -> r.mdccint = value;
            case MDSCR_EL1 -> r.mdscr = value;
            case OSLAR_EL1 -> r.osLock = (value & 1) != 0;
            case OSDLR_EL1 -> r.osdlr = value & 1;
            default -> {
                if (op0 == 3 && op1 == 2 && crn == 0 && crm == 0 && op2 == 0) {
                    r.csselr = value & 0xf; // CSSELR_EL1: level and instruction-or-data
                    return true;
                }
                return FpControl.write(cpu, key(op0, op1, crn, crm, op2), value);
            }
        }
        return true;
    }

    /** DBGBVR, DBGBCR, DBGWVR, DBGWCR (op2 4 to 7), indexed by CRm. */
    private static long[] debugRegisters(A64Cpu cpu, int op2) {
        return switch (op2) {
            case 4 -> cpu.el1.dbgbvr;
            case 5 -> cpu.el1.dbgbcr;
            case 6 -> cpu.el1.dbgwvr;
            default -> cpu.el1.dbgwcr;
        };
    }
}
