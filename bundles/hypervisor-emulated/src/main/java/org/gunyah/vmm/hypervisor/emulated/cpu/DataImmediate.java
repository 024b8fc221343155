package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/** Data processing (immediate): ADR/ADRP, ADD/SUB, logical, move wide, bitfield, EXTR. */
final class DataImmediate {
    private DataImmediate() {}

    static Exit execute(A64Cpu cpu, int insn) {
        int op = bits(insn, 25, 23);
        boolean sf = bit(insn, 31);
        int rd = bits(insn, 4, 0);
        int rn = bits(insn, 9, 5);
        switch (op) {
            case 0b000, 0b001 -> {
                long imm = Bits.signExtend(((long) bits(insn, 23, 5) << 2) | bits(insn, 30, 29), 21);
                long value = bit(insn, 31) ? (cpu.pc & ~0xfffL) + (imm << 12) : cpu.pc + imm;
                cpu.setReg(rd, value, true);
            }
            case 0b010 -> {
                if (bit(insn, 23)) {
                    return cpu.undefined(insn);
                }
                long imm = (long) bits(insn, 21, 10) << (bit(insn, 22) ? 12 : 0);
                addSub(cpu, rd, rn, imm, sf, bit(insn, 30), bit(insn, 29));
            }
            case 0b100 -> {
                if (!sf && bit(insn, 22)) {
                    return cpu.undefined(insn);
                }
                long imm = Bits.logicalImmediate(
                        bit(insn, 22) ? 1 : 0, bits(insn, 15, 10), bits(insn, 21, 16), sf ? 64 : 32);
                if (imm == 0) {
                    return cpu.undefined(insn);
                }
                logical(cpu, rd, rn, imm, sf, bits(insn, 30, 29));
            }
            case 0b101 -> {
                int opc = bits(insn, 30, 29);
                int hw = bits(insn, 22, 21);
                if (opc == 1 || (!sf && hw > 1)) {
                    return cpu.undefined(insn);
                }
                moveWide(cpu, rd, (long) bits(insn, 20, 5) << (16 * hw), opc, hw, sf);
            }
            case 0b110 -> {
                Exit e = bitfield(cpu, insn, sf, rd, rn);
                if (e != null) {
                    return e;
                }
            }
            case 0b111 -> {
                if (bits(insn, 30, 29) != 0 || bit(insn, 21) || bit(insn, 22) != sf) {
                    return cpu.undefined(insn);
                }
                int lsb = bits(insn, 15, 10);
                int width = sf ? 64 : 32;
                if (lsb >= width) {
                    return cpu.undefined(insn);
                }
                long hi = cpu.reg(rn, sf);
                long lo = cpu.reg(bits(insn, 20, 16), sf);
                long result = lsb == 0 ? lo : (lo >>> lsb) | (hi << (width - lsb));
                cpu.setReg(rd, result, sf);
            }
            default -> {
                return cpu.undefined(insn); // 0b011: add/subtract with tags (MTE)
            }
        }
        cpu.pc += 4;
        return null;
    }

    // The operations of valid encodings, decoded: for the interpreter above and translated code.

    static void addSub(A64Cpu cpu, int rd, int rn, long imm, boolean sf, boolean sub, boolean flags) {
        long a = cpu.regSp(rn, sf);
        long result = sub ? Arith.sub(cpu, a, imm, sf, flags) : Arith.add(cpu, a, imm, false, sf, flags);
        if (flags) {
            cpu.setReg(rd, result, sf);
        } else {
            cpu.setRegSp(rd, result, sf);
        }
    }

    static void logical(A64Cpu cpu, int rd, int rn, long imm, boolean sf, int opc) {
        long a = cpu.reg(rn, sf);
        long result = switch (opc) {
            case 0, 3 -> a & imm;
            case 1 -> a | imm;
            default -> a ^ imm;
        };
        if (opc == 3) {
            cpu.setReg(rd, result, sf);
            setLogicFlags(cpu, result, sf);
        } else {
            cpu.setRegSp(rd, result, sf);
        }
    }

    static void moveWide(A64Cpu cpu, int rd, long imm, int opc, int hw, boolean sf) {
        long result = switch (opc) {
            case 0 -> ~imm;
            case 2 -> imm;
            default -> (cpu.reg(rd) & ~(0xffffL << (16 * hw))) | imm;
        };
        cpu.setReg(rd, result, sf);
    }

    /**
     * SBFM, BFM, UBFM: with imms >= immr the field src[imms:immr] goes to the bottom (SBFX, UBFX,
     * BFXIL, SXTB and the like), else src[imms:0] goes to bit width - immr (SBFIZ, UBFIZ, BFI, LSL);
     * SBFM extends the field's top bit above it, BFM keeps the destination's other bits, UBFM clears
     * them.
     */
    private static Exit bitfield(A64Cpu cpu, int insn, boolean sf, int rd, int rn) {
        int opc = bits(insn, 30, 29);
        int width = sf ? 64 : 32;
        int immr = bits(insn, 21, 16);
        int imms = bits(insn, 15, 10);
        if (opc == 3 || bit(insn, 22) != sf || immr >= width || imms >= width) {
            return cpu.undefined(insn);
        }
        bitfield(cpu, rd, rn, opc, sf, immr, imms);
        return null;
    }

    static void bitfield(A64Cpu cpu, int rd, int rn, int opc, boolean sf, int immr, int imms) {
        long dst = opc == 1 ? cpu.reg(rd, sf) : 0;
        cpu.setReg(rd, bitfield(cpu.reg(rn, sf), dst, opc, sf, immr, imms), sf);
    }

    /** SBFM (opc 0), BFM (1, into {@code dst}), UBFM (2) of {@code src}: the interpreter's and translated code's. */
    static long bitfield(long src, long dst, int opc, boolean sf, int immr, int imms) {
        int width = sf ? 64 : 32;
        int len;
        int pos;
        long field;
        if (imms >= immr) {
            len = imms - immr + 1;
            pos = 0;
            field = src >>> immr;
        } else {
            len = imms + 1;
            pos = width - immr;
            field = src;
        }
        long mask = Bits.ones(len) << pos;
        return switch (opc) {
            case 0 -> Bits.signExtend(field, len) << pos;
            case 1 -> (dst & ~mask) | ((field << pos) & mask);
            default -> (field << pos) & mask;
        };
    }

    static void setLogicFlags(A64Cpu cpu, long result, boolean sf) {
        cpu.n = sf ? result < 0 : (int) result < 0;
        cpu.z = (sf ? result : result & Bits.W) == 0;
        cpu.c = false;
        cpu.v = false;
    }
}
