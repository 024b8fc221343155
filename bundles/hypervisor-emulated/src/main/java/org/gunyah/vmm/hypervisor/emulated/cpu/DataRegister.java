package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Data processing (register), decoded by op1 (bit 28) and op2 (bits 24:21) as in the Arm ARM:
 * logical and add/subtract (shifted and extended register), add/subtract with carry, conditional
 * compare and select here; the 1-, 2- and 3-source classes in {@link DataSources}.
 */
final class DataRegister {
    private DataRegister() {}

    static Exit execute(A64Cpu cpu, int insn) {
        boolean sf = bit(insn, 31);
        int rd = bits(insn, 4, 0);
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        Exit e;
        if (!bit(insn, 28)) {
            e = bit(insn, 24) ? addSub(cpu, insn, sf, rd, rn, rm) : logical(cpu, insn, sf, rd, rn, rm);
        } else {
            int op2 = bits(insn, 24, 21);
            if (op2 >= 0b1000) {
                e = DataSources.threeSource(cpu, insn, sf, rd, rn, rm);
            } else {
                e = switch (op2) {
                    case 0b0000 -> addSubCarry(cpu, insn, sf, rd, rn, rm);
                    case 0b0010 -> conditionalCompare(cpu, insn, sf, rn, rm);
                    case 0b0100 -> conditionalSelect(cpu, insn, sf, rd, rn, rm);
                    case 0b0110 ->
                        bit(insn, 30)
                                ? DataSources.oneSource(cpu, insn, sf, rd, rn)
                                : DataSources.twoSource(cpu, insn, sf, rd, rn, rm);
                    default -> cpu.undefined(insn);
                };
            }
        }
        if (e == null) {
            cpu.pc += 4;
        }
        return e;
    }

    private static Exit logical(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int imm6 = bits(insn, 15, 10);
        if (!sf && imm6 >= 32) {
            return cpu.undefined(insn);
        }
        logicalShifted(cpu, rd, rn, rm, sf, bits(insn, 30, 29), bits(insn, 23, 22), imm6, bit(insn, 21));
        return null;
    }

    // The operations of valid encodings, decoded: for the interpreter and translated code.

    static void logicalShifted(
            A64Cpu cpu, int rd, int rn, int rm, boolean sf, int opc, int type, int amount, boolean invert) {
        long b = Arith.shift(cpu.reg(rm, sf), type, amount, sf);
        if (invert) {
            b = ~b;
        }
        long a = cpu.reg(rn, sf);
        long result = switch (opc) {
            case 0, 3 -> a & b;
            case 1 -> a | b;
            default -> a ^ b;
        };
        cpu.setReg(rd, result, sf);
        if (opc == 3) {
            DataImmediate.setLogicFlags(cpu, result, sf);
        }
    }

    static void addSubExtended(
            A64Cpu cpu, int rd, int rn, int rm, boolean sf, boolean sub, boolean flags, int option, int shift) {
        long a = cpu.regSp(rn, sf);
        long b = Arith.extend(cpu.reg(rm), option, shift);
        long result = sub ? Arith.sub(cpu, a, b, sf, flags) : Arith.add(cpu, a, b, false, sf, flags);
        if (flags) {
            cpu.setReg(rd, result, sf);
        } else {
            cpu.setRegSp(rd, result, sf);
        }
    }

    static void addSubShifted(
            A64Cpu cpu, int rd, int rn, int rm, boolean sf, boolean sub, boolean flags, int type, int amount) {
        long a = cpu.reg(rn, sf);
        long b = Arith.shift(cpu.reg(rm, sf), type, amount, sf);
        long result = sub ? Arith.sub(cpu, a, b, sf, flags) : Arith.add(cpu, a, b, false, sf, flags);
        cpu.setReg(rd, result, sf);
    }

    static void addSubCarry(A64Cpu cpu, int rd, int rn, int rm, boolean sf, boolean sub, boolean flags) {
        long a = cpu.reg(rn, sf);
        long b = cpu.reg(rm, sf);
        cpu.setReg(rd, Arith.add(cpu, a, sub ? ~b : b, cpu.c, sf, flags), sf);
    }

    static void conditionalSelect(A64Cpu cpu, int rd, int rn, int rm, boolean sf, int cond, int kind) {
        long result;
        if (cpu.condition(cond)) {
            result = cpu.reg(rn, sf);
        } else {
            long m = cpu.reg(rm, sf);
            result = switch (kind) {
                case 0 -> m;
                case 1 -> m + 1;
                case 2 -> ~m;
                default -> -m;
            };
        }
        cpu.setReg(rd, result, sf);
    }

    /** CCMP, CCMN: {@code rm} is the immediate when {@code immediate}. */
    static void conditionalCompare(
            A64Cpu cpu, int rn, int rm, boolean sf, int cond, boolean sub, boolean immediate, int nzcv) {
        if (cpu.condition(cond)) {
            long a = cpu.reg(rn, sf);
            long b = immediate ? rm : cpu.reg(rm, sf);
            if (sub) {
                Arith.sub(cpu, a, b, sf, true);
            } else {
                Arith.add(cpu, a, b, false, sf, true);
            }
        } else {
            cpu.setNzcv(nzcv);
        }
    }

    private static Exit addSub(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        boolean sub = bit(insn, 30);
        boolean flags = bit(insn, 29);
        if (bit(insn, 21)) {
            int shift = bits(insn, 12, 10);
            if (bits(insn, 23, 22) != 0 || shift > 4) {
                return cpu.undefined(insn);
            }
            addSubExtended(cpu, rd, rn, rm, sf, sub, flags, bits(insn, 15, 13), shift);
            return null;
        }
        int type = bits(insn, 23, 22);
        int imm6 = bits(insn, 15, 10);
        if (type == 3 || (!sf && imm6 >= 32)) {
            return cpu.undefined(insn);
        }
        addSubShifted(cpu, rd, rn, rm, sf, sub, flags, type, imm6);
        return null;
    }

    /** ADC, ADCS, SBC, SBCS (op3 = 0; the rest of op2 = 0 is v8.4's RMIF/SETF, UNDEFINED here). */
    private static Exit addSubCarry(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        if (bits(insn, 15, 10) != 0) {
            return cpu.undefined(insn);
        }
        addSubCarry(cpu, rd, rn, rm, sf, bit(insn, 30), bit(insn, 29));
        return null;
    }

    private static Exit conditionalSelect(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int op2 = bits(insn, 11, 10);
        if (bit(insn, 29) || op2 > 1) {
            return cpu.undefined(insn);
        }
        conditionalSelect(cpu, rd, rn, rm, sf, bits(insn, 15, 12), (bit(insn, 30) ? 2 : 0) | op2);
        return null;
    }

    private static Exit conditionalCompare(A64Cpu cpu, int insn, boolean sf, int rn, int rm) {
        if (!bit(insn, 29) || bit(insn, 10) || bit(insn, 4)) {
            return cpu.undefined(insn);
        }
        conditionalCompare(cpu, rn, rm, sf, bits(insn, 15, 12), bit(insn, 30), bit(insn, 11), bits(insn, 3, 0));
        return null;
    }
}
