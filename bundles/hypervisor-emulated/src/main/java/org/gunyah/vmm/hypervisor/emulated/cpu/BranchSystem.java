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
            if (bits(insn, 23, 21) == 0 && bits(insn, 4, 0) == 0b00010) {
                cpu.pc += 4;
                return new Exit.Hypercall(bits(insn, 20, 5));
            }
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
     * SVC, SMC, BRK, HLT and DCPS: until the vCPU takes exceptions (the Linux platform), the VM
     * stops with a reason naming the instruction; HVC is the guest's call to us (above).
     */
    private static Exit exceptionGenerating(A64Cpu cpu, int insn) {
        int imm16 = bits(insn, 20, 5);
        String name = switch (bits(insn, 23, 21) << 5 | bits(insn, 4, 0)) {
            case 0b000_00001 -> "SVC";
            case 0b000_00011 -> "SMC";
            case 0b001_00000 -> "BRK";
            case 0b010_00000 -> "HLT";
            default -> null;
        };
        if (name == null) {
            return cpu.undefined(insn); // DCPS1-3 are debug state only, UNDEFINED outside it; the rest unallocated
        }
        return cpu.crash(insn, String.format("%s #0x%x: exceptions are not taken yet", name, imm16));
    }

    private static Exit branchIf(A64Cpu cpu, int insn, boolean taken, long offset) {
        cpu.pc += taken ? offset : 4;
        return null;
    }

    private static Exit register(A64Cpu cpu, int insn) {
        if (insn == 0xd69f03e0) {
            cpu.eret();
            return null;
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
                // Hints: NOP, YIELD, WFE, WFI, SEV, ... WFE behaves as NOP: no event stream here.
                if (crm == 0 && op2 == 3) {
                    cpu.pc += 4;
                    return cpu.interruptPending() ? null : Exit.WFI;
                }
                cpu.pc += 4;
                return null;
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
        if (op0 == 1) {
            return read ? cpu.undefined(insn) : CacheAndTlb.execute(cpu, insn, op1, crn, crm, op2, rt);
        }
        if (op0 == 0) {
            return cpu.undefined(insn);
        }
        if (read) {
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
