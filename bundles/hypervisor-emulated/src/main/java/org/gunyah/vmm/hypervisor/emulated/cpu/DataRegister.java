package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Data processing (register): logical and add/sub (shifted, extended), conditional select and
 * compare, 1- and 2-source (CLZ, RBIT, REV, divisions, variable shifts) and 3-source (MADD, MSUB,
 * SMULH, UMULH).
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
            if (bits(insn, 24, 21) >= 0b1000) {
                e = threeSource(cpu, insn, sf, rd, rn, rm);
            } else if (op2 == 0b0100) {
                e = conditionalSelect(cpu, insn, sf, rd, rn, rm);
            } else if (op2 == 0b0010) {
                e = conditionalCompare(cpu, insn, sf, rn, rm);
            } else if (op2 == 0b0110) {
                e = bit(insn, 30) ? oneSource(cpu, insn, sf, rd, rn) : twoSource(cpu, insn, sf, rd, rn, rm);
            } else {
                e = cpu.undefined(insn);
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
        long b = Arith.shift(cpu.reg(rm, sf), bits(insn, 23, 22), imm6, sf);
        if (bit(insn, 21)) {
            b = ~b;
        }
        long a = cpu.reg(rn, sf);
        int opc = bits(insn, 30, 29);
        long result = switch (opc) {
            case 0, 3 -> a & b;
            case 1 -> a | b;
            default -> a ^ b;
        };
        cpu.setReg(rd, result, sf);
        if (opc == 3) {
            DataImmediate.setLogicFlags(cpu, result, sf);
        }
        return null;
    }

    private static Exit addSub(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        boolean sub = bit(insn, 30);
        boolean flags = bit(insn, 29);
        if (bit(insn, 21)) {
            int shift = bits(insn, 12, 10);
            if (bits(insn, 23, 22) != 0 || shift > 4) {
                return cpu.undefined(insn);
            }
            long a = cpu.regSp(rn, sf);
            long b = Arith.extend(cpu.reg(rm), bits(insn, 15, 13), shift);
            long result = sub ? Arith.sub(cpu, a, b, sf, flags) : Arith.add(cpu, a, b, false, sf, flags);
            if (flags) {
                cpu.setReg(rd, result, sf);
            } else {
                cpu.setRegSp(rd, result, sf);
            }
            return null;
        }
        int type = bits(insn, 23, 22);
        int imm6 = bits(insn, 15, 10);
        if (type == 3 || (!sf && imm6 >= 32)) {
            return cpu.undefined(insn);
        }
        long a = cpu.reg(rn, sf);
        long b = Arith.shift(cpu.reg(rm, sf), type, imm6, sf);
        long result = sub ? Arith.sub(cpu, a, b, sf, flags) : Arith.add(cpu, a, b, false, sf, flags);
        cpu.setReg(rd, result, sf);
        return null;
    }

    private static Exit conditionalSelect(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int op2 = bits(insn, 11, 10);
        if (bit(insn, 29) || op2 > 1) {
            return cpu.undefined(insn);
        }
        long result;
        if (cpu.condition(bits(insn, 15, 12))) {
            result = cpu.reg(rn, sf);
        } else {
            long m = cpu.reg(rm, sf);
            int kind = (bit(insn, 30) ? 2 : 0) | op2;
            result = switch (kind) {
                case 0 -> m;
                case 1 -> m + 1;
                case 2 -> ~m;
                default -> -m;
            };
        }
        cpu.setReg(rd, result, sf);
        return null;
    }

    private static Exit conditionalCompare(A64Cpu cpu, int insn, boolean sf, int rn, int rm) {
        if (!bit(insn, 29) || bit(insn, 10) || bit(insn, 4)) {
            return cpu.undefined(insn);
        }
        if (cpu.condition(bits(insn, 15, 12))) {
            long a = cpu.reg(rn, sf);
            long b = bit(insn, 11) ? rm : cpu.reg(rm, sf);
            if (bit(insn, 30)) {
                Arith.sub(cpu, a, b, sf, true);
            } else {
                Arith.add(cpu, a, b, false, sf, true);
            }
        } else {
            cpu.setNzcv(bits(insn, 3, 0));
        }
        return null;
    }

    private static Exit oneSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn) {
        if (bits(insn, 20, 16) != 0 || bit(insn, 29)) {
            return cpu.undefined(insn);
        }
        long a = cpu.reg(rn, sf);
        int opcode = bits(insn, 15, 10);
        long result = switch (opcode) {
            case 0 -> sf ? Long.reverse(a) : Integer.reverse((int) a);
            case 1 -> sf ? rev16(a) : rev16(a) & Bits.W;
            case 2 -> sf ? rev32(a) : Integer.reverseBytes((int) a);
            case 3 -> sf ? Long.reverseBytes(a) : -1L;
            case 4 -> sf ? Long.numberOfLeadingZeros(a) : Integer.numberOfLeadingZeros((int) a);
            default -> -1L;
        };
        if ((opcode == 3 && !sf) || opcode > 4) {
            return cpu.undefined(insn);
        }
        cpu.setReg(rd, result, sf);
        return null;
    }

    private static long rev16(long a) {
        return ((a & 0x00ff00ff00ff00ffL) << 8) | ((a >>> 8) & 0x00ff00ff00ff00ffL);
    }

    private static long rev32(long a) {
        long lo = Integer.reverseBytes((int) a) & Bits.W;
        long hi = Integer.reverseBytes((int) (a >>> 32)) & Bits.W;
        return (hi << 32) | lo;
    }

    private static Exit twoSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        if (bit(insn, 29)) {
            return cpu.undefined(insn);
        }
        long a = cpu.reg(rn, sf);
        long b = cpu.reg(rm, sf);
        int opcode = bits(insn, 15, 10);
        long result;
        switch (opcode) {
            case 2 -> result = b == 0 ? 0 : sf ? Long.divideUnsigned(a, b) : Long.divideUnsigned(a, b) & Bits.W;
            case 3 -> {
                if (b == 0) {
                    result = 0;
                } else if (sf) {
                    result = (a == Long.MIN_VALUE && b == -1) ? a : a / b;
                } else {
                    int ia = (int) a;
                    int ib = (int) b;
                    result = (ia == Integer.MIN_VALUE && ib == -1) ? ia : ia / ib;
                }
            }
            case 8, 9, 10, 11 -> result = Arith.shift(a, opcode - 8, (int) (b & (sf ? 63 : 31)), sf);
            default -> {
                return cpu.undefined(insn);
            }
        }
        cpu.setReg(rd, result, sf);
        return null;
    }

    private static Exit threeSource(A64Cpu cpu, int insn, boolean sf, int rd, int rn, int rm) {
        int op31 = bits(insn, 23, 21);
        boolean o0 = bit(insn, 15);
        int ra = bits(insn, 14, 10);
        if (bits(insn, 30, 29) != 0) {
            return cpu.undefined(insn);
        }
        long result;
        if (op31 == 0) {
            long product = cpu.reg(rn, sf) * cpu.reg(rm, sf);
            result = o0 ? cpu.reg(ra, sf) - product : cpu.reg(ra, sf) + product;
        } else if (sf && op31 == 2 && !o0) {
            result = Math.multiplyHigh(cpu.reg(rn), cpu.reg(rm));
        } else if (sf && op31 == 6 && !o0) {
            result = Math.unsignedMultiplyHigh(cpu.reg(rn), cpu.reg(rm));
        } else {
            return cpu.undefined(insn);
        }
        cpu.setReg(rd, result, sf);
        return null;
    }
}
