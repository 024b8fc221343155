package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * The AArch64 exception model at EL0 and EL1 (Arm ARM D1.10): taking an exception to EL1 (ESR,
 * FAR, ELR, SPSR, the vector by source EL and stack pointer) and returning from one (ERET). EL2 and
 * EL3 are not implemented, so every exception the guest causes is taken to its own EL1; HVC is the
 * guest's call to the hypervisor and leaves the vCPU instead.
 */
final class Exceptions {
    private Exceptions() {}

    // Exception classes (ESR_ELx.EC) this vCPU raises.
    static final int EC_UNKNOWN = 0x00;
    static final int EC_WFX = 0x01;
    static final int EC_FP_ACCESS = 0x07;
    static final int EC_ILLEGAL_STATE = 0x0e;
    static final int EC_SVC = 0x15;
    static final int EC_SYSTEM_REGISTER = 0x18;
    static final int EC_INSTRUCTION_ABORT_LOWER = 0x20;
    static final int EC_INSTRUCTION_ABORT_SAME = 0x21;
    static final int EC_PC_ALIGNMENT = 0x22;
    static final int EC_DATA_ABORT_LOWER = 0x24;
    static final int EC_DATA_ABORT_SAME = 0x25;
    static final int EC_SP_ALIGNMENT = 0x26;
    static final int EC_BRK = 0x3c;

    /** PSTATE.IL, as SPSR_ELx holds it: an illegal exception return was made. */
    static final long PSTATE_IL = 1L << 20;

    /** ESR_ELx.IL: every exception here comes from a 32-bit instruction (or is an abort, where IL is 1 too). */
    static final int IL = 1 << 25;

    // Vector offsets from VBAR_EL1: by source, then by type.
    static final int FROM_EL1_SP0 = 0x000;
    static final int FROM_EL1_SPX = 0x200;
    static final int FROM_EL0 = 0x400;
    static final int SYNCHRONOUS = 0x000;
    static final int IRQ = 0x080;
    static final int VECTORS_SIZE = 0x800;

    // Fault status codes (DFSC/IFSC) the MMU and the alignment checks report.
    static final int FSC_ALIGNMENT = 0b100001;

    static int syndrome(int ec, int iss) {
        return ec << 26 | IL | (iss & 0x1ff_ffff);
    }

    /** An Undefined Instruction exception for {@code insn}: EC 0, ISS 0. */
    static GuestFault undefined(int insn) {
        return new GuestFault(syndrome(EC_UNKNOWN, 0), 0, false, insn);
    }

    /**
     * An MRS, MSR or SYS trapped to EL1 (EC 0x18): the ISS names the register (Op0, Op2, Op1, CRn,
     * Rt, CRm) and the direction (1 = read), so the kernel can emulate it.
     */
    static GuestFault systemAccess(int insn) {
        int iss = Decoder.bits(insn, 20, 19) << 20
                | Decoder.bits(insn, 7, 5) << 17
                | Decoder.bits(insn, 18, 16) << 14
                | Decoder.bits(insn, 15, 12) << 10
                | Decoder.bits(insn, 4, 0) << 5
                | Decoder.bits(insn, 11, 8) << 1
                | (Decoder.bit(insn, 21) ? 1 : 0);
        return new GuestFault(syndrome(EC_SYSTEM_REGISTER, iss), 0, false, insn);
    }

    /** An FP or AdvSIMD instruction or register access with CPACR_EL1.FPEN trapping it. */
    static GuestFault fpAccess(int insn) {
        return new GuestFault(syndrome(EC_FP_ACCESS, 0), 0, false, insn);
    }

    /** WFI or WFE at EL0 with SCTLR_EL1.nTWI/nTWE clear: ISS.TI says which (1 = WFE). */
    static GuestFault waitTrapped(int insn, boolean wfe) {
        return new GuestFault(syndrome(EC_WFX, (1 << 24) | (0b1110 << 20) | (wfe ? 1 : 0)), 0, false, insn);
    }

    /**
     * A data abort for {@code address}: EC by the EL the access was made at, DFSC {@code fsc}, WnR
     * for a write. ISV is 0: the kernel decodes the instruction itself when it must.
     */
    static GuestFault dataAbort(A64Cpu cpu, int fsc, boolean write, long address) {
        int ec = cpu.el == 0 ? EC_DATA_ABORT_LOWER : EC_DATA_ABORT_SAME;
        return new GuestFault(syndrome(ec, (write ? 1 << 6 : 0) | fsc), address, true, 0);
    }

    /** An instruction abort (a fetch that translation refused) for {@code address}. */
    static GuestFault instructionAbort(A64Cpu cpu, int fsc, long address) {
        int ec = cpu.el == 0 ? EC_INSTRUCTION_ABORT_LOWER : EC_INSTRUCTION_ABORT_SAME;
        return new GuestFault(syndrome(ec, fsc), address, true, 0);
    }

    /** A misaligned PC at an instruction fetch. */
    static GuestFault pcAlignment(long pc) {
        return new GuestFault(syndrome(EC_PC_ALIGNMENT, 0), pc, true, 0);
    }

    /** A load or store based on a misaligned SP with SCTLR_EL1.SA (EL1) or SA0 (EL0) set. */
    static GuestFault spAlignment(int insn) {
        return new GuestFault(syndrome(EC_SP_ALIGNMENT, 0), 0, false, insn);
    }

    /**
     * Takes a synchronous exception to EL1. {@code returnAddress} is its preferred return address:
     * the instruction itself, but for SVC (the next one). Returns a crash instead when the guest
     * cannot take it: an exception while executing the vector table itself, which would repeat
     * forever (a guest that never set VBAR_EL1, or whose vectors fault). The crash names the
     * exception that led there, with its instruction, since that is the guest's real problem.
     */
    static Exit takeSynchronous(A64Cpu cpu, int syndrome, long far, boolean farValid, long returnAddress, int insn) {
        if (cpu.el == 1 && Long.compareUnsigned(returnAddress - cpu.vbar, VECTORS_SIZE) < 0) {
            String why = String.format(
                    "%s, and then %s at 0x%x in the exception vectors (VBAR_EL1 0x%x)",
                    describe(cpu.lastSyndrome, cpu.lastFar, cpu.lastFarValid),
                    describe(syndrome, far, farValid),
                    returnAddress,
                    cpu.vbar);
            return cpu.crashAt(cpu.lastPc, cpu.lastInstruction, why);
        }
        cpu.lastSyndrome = syndrome;
        cpu.lastFar = far;
        cpu.lastFarValid = farValid;
        cpu.lastPc = (syndrome >>> 26) == EC_SVC ? returnAddress - 4 : returnAddress;
        cpu.lastInstruction = insn;
        cpu.esr = syndrome & 0xffff_ffffL;
        if (farValid) {
            cpu.far = far;
        }
        enter(cpu, SYNCHRONOUS, returnAddress);
        return null;
    }

    /** Takes an IRQ to EL1; the interrupted instruction has not executed. */
    static void takeIrq(A64Cpu cpu) {
        enter(cpu, IRQ, cpu.pc);
    }

    private static void enter(A64Cpu cpu, int type, long returnAddress) {
        int source = cpu.el == 0 ? FROM_EL0 : cpu.spSel ? FROM_EL1_SPX : FROM_EL1_SP0;
        cpu.spsr = cpu.pstate();
        cpu.elr = returnAddress;
        cpu.daif = A64Cpu.DAIF_ALL;
        cpu.setExceptionLevel(1, true);
        cpu.pc = cpu.vbar + source + type;
    }

    /**
     * ERET from EL1: PSTATE from SPSR_EL1 and the PC from ELR_EL1. A return to EL2 or EL3 (not
     * implemented) or to AArch32 (not supported) is an illegal exception return: the EL stays and
     * PSTATE.IL is set, so the instruction at ELR takes an Illegal Execution State exception, which
     * is taken here at once (SPSR_EL1.IL shows it).
     */
    static Exit exceptionReturn(A64Cpu cpu) {
        Exclusives.clear(cpu); // AArch64.ExceptionReturn: ClearExclusiveLocal
        long saved = cpu.spsr;
        int mode = (int) saved & 0x1f;
        long target = cpu.elr;
        if (mode != 0b00000 && mode != 0b00100 && mode != 0b00101) {
            Exit e = takeSynchronous(cpu, syndrome(EC_ILLEGAL_STATE, 0), 0, false, target, 0);
            cpu.spsr |= PSTATE_IL;
            return e;
        }
        cpu.setNzcv((int) (saved >>> 28) & 0xf);
        cpu.daif = (int) saved & A64Cpu.DAIF_ALL;
        cpu.setExceptionLevel(mode >>> 2, (mode & 1) != 0);
        // The PC takes ELR's value; bits 63:56 of a return to EL0 with TBI would be ignored by the
        // fetch (which faults a non-canonical PC), as on hardware.
        cpu.pc = target;
        return null;
    }

    /** ESR as words, for crash reports and logs. */
    static String describe(int syndrome, long far, boolean farValid) {
        int ec = syndrome >>> 26;
        String what = switch (ec) {
            case EC_UNKNOWN -> "undefined instruction";
            case EC_WFX -> "trapped WFI/WFE";
            case EC_FP_ACCESS -> "trapped FP/SIMD access";
            case EC_ILLEGAL_STATE -> "illegal execution state";
            case EC_SVC -> "SVC";
            case EC_SYSTEM_REGISTER -> "trapped system register access";
            case EC_INSTRUCTION_ABORT_LOWER, EC_INSTRUCTION_ABORT_SAME ->
                (syndrome & 0x3f) == 0b010000 ? "instruction fetch outside RAM" : "instruction abort";
            case EC_PC_ALIGNMENT -> "PC alignment fault";
            case EC_DATA_ABORT_LOWER, EC_DATA_ABORT_SAME -> "data abort";
            case EC_SP_ALIGNMENT -> "SP alignment fault";
            case EC_BRK -> "BRK";
            default -> "exception";
        };
        String text = String.format("%s (ESR 0x%08x", what, syndrome);
        return farValid ? text + String.format(", FAR 0x%x)", far) : text + ")";
    }
}
