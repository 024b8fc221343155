package org.gunyah.vmm.hypervisor.emulated.translate;

/** How the translator treats an instruction. */
enum Kind {
    /** Executed by the interpreter's own code for it, its decoding folded away by the JIT. */
    STEP,
    B,
    BL,
    B_COND,
    CBZ,
    CBNZ,
    TBZ,
    TBNZ,
    /** BR, BLR, RET: the region ends at the register's address. */
    INDIRECT,
    /** Not translated (system instructions, exception generation, ...): the region ends before it. */
    STOP;

    /**
     * The kind of {@code insn}. Everything that may change how later instructions execute (system
     * registers, exception levels, DAIF, SPSel, ISB, caches and TLBs, WFI/WFE, SEV) stops, so that
     * a region only ever runs under the state it was entered with.
     */
    static Kind of(int insn) {
        int op0 = (insn >>> 25) & 0xf;
        if ((op0 & 0b1110) == 0b1010) {
            return branchOrSystem(insn);
        }
        if ((op0 & 0b1110) == 0b1000
                || (op0 & 0b0101) == 0b0100
                || (op0 & 0b0111) == 0b0101
                || (op0 & 0b0111) == 0b0111) {
            return STEP; // data processing, loads and stores, FP and SIMD
        }
        return STOP;
    }

    /** Whether {@code insn} is of the loads and stores group (which may write memory). */
    static boolean accessesMemory(int insn) {
        return ((insn >>> 25) & 0b0101) == 0b0100;
    }

    private static Kind branchOrSystem(int insn) {
        int top = insn >>> 26;
        if (top == 0b000101) {
            return B;
        }
        if (top == 0b100101) {
            return BL;
        }
        int op = (insn >>> 25) & 0x3f;
        if (op == 0b011010) {
            return (insn & 1 << 24) != 0 ? CBNZ : CBZ;
        }
        if (op == 0b011011) {
            return (insn & 1 << 24) != 0 ? TBNZ : TBZ;
        }
        if (insn >>> 24 == 0b01010100) {
            return (insn & 1 << 4) == 0 ? B_COND : STOP;
        }
        if (insn >>> 25 == 0b1101011) {
            int opc = (insn >>> 21) & 0xf;
            boolean plain = ((insn >>> 10) & 0x7ff) == 0b11111000000 && (insn & 0x1f) == 0;
            return plain && opc <= 2 ? INDIRECT : STOP;
        }
        if (insn >>> 22 == 0b1101010100 && (insn & 0x1f) == 31 && ((insn >>> 19) & 0x7) == 0) {
            // MSR (immediate) space without a read: hints and barriers.
            int crn = (insn >>> 12) & 0xf;
            int crm = (insn >>> 8) & 0xf;
            int op2 = (insn >>> 5) & 0x7;
            int hint = crm << 3 | op2;
            if (crn == 2 && (hint < 2 || hint > 5)) {
                return STEP; // NOP, YIELD, the PAC and BTI hints
            }
            if (crn == 3 && (op2 == 2 || op2 == 4 || op2 == 5)) {
                return STEP; // CLREX, DSB, DMB (not ISB: a context synchronisation)
            }
        }
        return STOP;
    }
}
