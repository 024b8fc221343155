package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/** Branches, exception generation and system instructions (hints, barriers, MRS/MSR, SYS, ERET). */
final class BranchSystem {
    private BranchSystem() {}

    static Exit execute(A64Cpu cpu, int insn) {
        int top = bits(insn, 31, 26);
        if (top == 0b000101 || top == 0b100101) {
            if (top == 0b100101) {
                cpu.x[30] = cpu.pc + 4;
            }
            cpu.pc += Bits.signExtend(bits(insn, 25, 0), 26) << 2;
            return null;
        }
        int op = bits(insn, 30, 25);
        if (op == 0b011010) {
            boolean sf = bit(insn, 31);
            boolean zero = cpu.reg(bits(insn, 4, 0), sf) == 0;
            return branchIf(cpu, insn, bit(insn, 24) != zero, Bits.signExtend(bits(insn, 23, 5), 19) << 2);
        }
        if (op == 0b011011) {
            int b = (bit(insn, 31) ? 32 : 0) | bits(insn, 23, 19);
            boolean set = ((cpu.reg(bits(insn, 4, 0)) >>> b) & 1) != 0;
            return branchIf(cpu, insn, bit(insn, 24) == set, Bits.signExtend(bits(insn, 18, 5), 14) << 2);
        }
        if (bits(insn, 31, 24) == 0b01010100) {
            if (bit(insn, 4)) {
                return cpu.undefined(insn);
            }
            return branchIf(cpu, insn, cpu.condition(bits(insn, 3, 0)), Bits.signExtend(bits(insn, 23, 5), 19) << 2);
        }
        if (bits(insn, 31, 24) == 0b11010100) {
            return exceptionGenerating(cpu, insn);
        }
        if (bits(insn, 31, 22) == 0b1101010100) {
            return system(cpu, insn);
        }
        if (bits(insn, 31, 25) == 0b1101011) {
            return register(cpu, insn);
        }
        return cpu.undefined(insn);
    }

    /**
     * SVC and BRK are taken by the guest's EL1; HVC at EL1 is the guest's call to the hypervisor
     * (a hypercall exit, the PC past it), UNDEFINED at EL0. SMC is UNDEFINED without EL3, HLT with
     * halting debug off, DCPS1-3 outside debug state, as the rest of the group is unallocated.
     */
    private static Exit exceptionGenerating(A64Cpu cpu, int insn) {
        int imm16 = bits(insn, 20, 5);
        switch (bits(insn, 23, 21) << 5 | bits(insn, 4, 0)) {
            case 0b000_00001 -> {
                cpu.pc += 4;
                return Exceptions.takeSynchronous(
                        cpu, Exceptions.syndrome(Exceptions.EC_SVC, imm16), 0, false, cpu.pc, insn);
            }
            case 0b000_00010 -> {
                if (cpu.el == 0) {
                    return cpu.undefined(insn);
                }
                cpu.pc += 4;
                return new Exit.Hypercall(imm16);
            }
            case 0b001_00000 -> throw new GuestFault(Exceptions.syndrome(Exceptions.EC_BRK, imm16), 0, false, insn);
            default -> {
                return cpu.undefined(insn);
            }
        }
    }

    private static Exit branchIf(A64Cpu cpu, int insn, boolean taken, long offset) {
        cpu.pc += taken ? offset : 4;
        return null;
    }

    private static Exit register(A64Cpu cpu, int insn) {
        if (insn == 0xd69f03e0) {
            if (cpu.el == 0) {
                return cpu.undefined(insn);
            }
            Exit e = Exceptions.exceptionReturn(cpu);
            cpu.sendEvent(); // an exception return sets the event register
            return e;
        }
        int opc = bits(insn, 24, 21);
        if (bits(insn, 20, 10) != 0b11111000000 || bits(insn, 4, 0) != 0 || opc > 2) {
            return cpu.undefined(insn);
        }
        long target = cpu.reg(bits(insn, 9, 5));
        if (opc == 1) {
            cpu.x[30] = cpu.pc + 4;
        }
        cpu.pc = target;
        return null;
    }

    /**
     * The HINT space: WFI, WFE, SEV, SEVL; the rest (NOP, YIELD, ESB, CSDB, BTI, the PAC hints of
     * a CPU without pointer authentication, ...) execute as NOP. WFI with nothing pending leaves
     * the vCPU to wait; WFE consumes the event register or, without one, returns at once (a WFE
     * may always end early; the kernel's WFE loops re-check their condition), which is correct
     * though not frugal.
     */
    private static Exit hint(A64Cpu cpu, int insn, int op) {
        switch (op) {
            case 2 -> { // WFE
                if (cpu.el == 0 && (cpu.sctlr & A64Cpu.SCTLR_NTWE) == 0) {
                    throw Exceptions.waitTrapped(insn, true);
                }
                if (!cpu.consumeEvent()) {
                    Thread.onSpinWait();
                }
            }
            case 3 -> { // WFI
                if (cpu.el == 0 && (cpu.sctlr & A64Cpu.SCTLR_NTWI) == 0) {
                    throw Exceptions.waitTrapped(insn, false);
                }
                cpu.pc += 4;
                return cpu.interruptPending() ? null : Exit.WFI;
            }
            case 4 -> cpu.events.run(); // SEV: every vCPU of the VM
            case 5 -> cpu.sendEvent(); // SEVL
            default -> {}
        }
        cpu.pc += 4;
        return null;
    }

    private static Exit system(A64Cpu cpu, int insn) {
        boolean read = bit(insn, 21);
        int op0 = bits(insn, 20, 19);
        int op1 = bits(insn, 18, 16);
        int crn = bits(insn, 15, 12);
        int crm = bits(insn, 11, 8);
        int op2 = bits(insn, 7, 5);
        int rt = bits(insn, 4, 0);
        if (op0 == 0 && !read) {
            if (crn == 2 && rt == 31) {
                return hint(cpu, insn, crm << 3 | op2);
            }
            if (crn == 3 && rt == 31) {
                if (op2 == 2) {
                    Exclusives.clear(cpu); // CLREX
                }
                cpu.pc += 4; // barriers: DSB, DMB, ISB, SB are no-ops for one interpreter
                return null;
            }
            if (crn == 4 && rt == 31) {
                int imm = crm;
                if (cpu.el == 0) {
                    El0Access.checkPstateWrite(cpu, insn, op1, op2);
                }
                if (op1 == 3 && op2 == 6) {
                    cpu.daif |= imm << 6;
                } else if (op1 == 3 && op2 == 7) {
                    cpu.daif &= ~(imm << 6);
                } else if (op1 == 0 && op2 == 5) {
                    cpu.spSel = (imm & 1) != 0;
                } else {
                    return cpu.undefined(insn);
                }
                cpu.pc += 4;
                return null;
            }
            return cpu.undefined(insn);
        }
        if (op0 == 0) {
            return cpu.undefined(insn);
        }
        if (cpu.el == 0) {
            El0Access.checkSystem(cpu, insn, op0, op1, crn, crm, op2, read);
        }
        if (op0 == 1) {
            return read ? cpu.undefined(insn) : CacheAndTlb.execute(cpu, insn, op1, crn, crm, op2, rt);
        }
        if (!cpu.fpEnabled && op0 == 3 && op1 == 3 && crn == 4 && crm == 4) {
            throw Exceptions.fpAccess(insn); // FPCR, FPSR
        }
        if (read) {
            int key = SystemRegisters.key(op0, op1, crn, crm, op2);
            if (key == SystemRegisters.SP_EL0 || key == SystemRegisters.TPIDR_EL1) {
                // Linux's current task and per-CPU offset, read all the time: no gates, no boxing.
                cpu.setReg(rt, key == SystemRegisters.SP_EL0 ? cpu.spEl0 : cpu.tpidrEl1, true);
                cpu.pc += 4;
                return null;
            }
            Long value = SystemRegisters.read(cpu, op0, op1, crn, crm, op2);
            if (value == null) {
                return cpu.undefined(insn);
            }
            cpu.setReg(rt, value, true);
        } else if (!SystemRegisters.write(cpu, op0, op1, crn, crm, op2, cpu.reg(rt))) {
            return cpu.undefined(insn);
        }
        cpu.pc += 4;
        return null;
    }
}
