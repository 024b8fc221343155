package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Loads and stores of the SIMD and floating-point registers (the V bit, 26, set): LDR/STR of B, H,
 * S, D and Q in every addressing mode, LDR literal, LDP/STP/LDNP/STNP, and the structure
 * instructions LD1-LD4/ST1-LD4 (multiple structures, one lane, and LD1R-LD4R). The whole access
 * is translated ({@link MemorySpan}) before anything changes, so that a fault leaves the registers,
 * the writeback and the PC as they were; it must be RAM: MMIO through SIMD registers is a crash of
 * the guest.
 */
final class SimdLoadStore {
    private SimdLoadStore() {}

    static Exit execute(A64Cpu cpu, int insn) {
        int op0 = bits(insn, 29, 28);
        if (op0 == 0b00) {
            if (bit(insn, 31) || bits(insn, 27, 25) != 0b110) {
                return cpu.undefined(insn);
            }
            return bit(insn, 24) ? SimdStructures.single(cpu, insn) : SimdStructures.multiple(cpu, insn);
        }
        if (op0 == 0b01) {
            return bit(insn, 24) ? cpu.undefined(insn) : literal(cpu, insn);
        }
        if (op0 == 0b10) {
            return pair(cpu, insn);
        }
        return single(cpu, insn);
    }

    private static Exit literal(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        if (opc == 3) {
            return cpu.undefined(insn);
        }
        long address = cpu.pc + (Bits.signExtend(bits(insn, 23, 5), 19) << 2);
        return transfer(cpu, insn, true, address, opc + 2, bits(insn, 4, 0), -1, 0);
    }

    private static Exit pair(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        if (opc == 3) {
            return cpu.undefined(insn);
        }
        int log2 = opc + 2;
        int size = 1 << log2;
        boolean load = bit(insn, 22);
        int mode = bits(insn, 24, 23);
        int rt = bits(insn, 4, 0);
        int rt2 = bits(insn, 14, 10);
        int rn = bits(insn, 9, 5);
        long offset = Bits.signExtend(bits(insn, 21, 15), 7) << log2;
        long base = cpu.regSp(rn, true);
        long address = mode == 1 ? base : base + offset;
        cpu.checkSpAlignment(rn);
        MemorySpan span = cpu.span;
        if (!span.prepare(address, 2 * size, !load, false)) {
            return outsideRam(cpu, insn, address);
        }
        cpu.writeback(mode == 1 || mode == 3 ? rn : -1, base + offset);
        if (load) {
            // rt == rt2 is CONSTRAINED UNPREDICTABLE: the second load wins, as on qemu.
            load(cpu, span, address, log2, rt);
            load(cpu, span, address + size, log2, rt2);
        } else {
            store(cpu, span, address, log2, rt);
            store(cpu, span, address + size, log2, rt2);
        }
        return null;
    }

    private static Exit single(A64Cpu cpu, int insn) {
        int size = bits(insn, 31, 30);
        int opc = bits(insn, 23, 22);
        int log2 = (opc & 2) != 0 ? 4 : size;
        if ((opc & 2) != 0 && size != 0) {
            return cpu.undefined(insn);
        }
        boolean load = (opc & 1) != 0;
        int rn = bits(insn, 9, 5);
        long address;
        int wbReg = -1;
        long wbValue = 0;
        if (bit(insn, 24)) {
            address = cpu.regSp(rn, true) + ((long) bits(insn, 21, 10) << log2);
        } else if (!bit(insn, 21)) {
            int mode = bits(insn, 11, 10);
            if (mode == 0b10) {
                return cpu.undefined(insn); // no unprivileged SIMD loads
            }
            long base = cpu.regSp(rn, true);
            long imm9 = Bits.signExtend(bits(insn, 20, 12), 9);
            address = mode == 1 ? base : base + imm9;
            if (mode == 1 || mode == 3) {
                wbReg = rn;
                wbValue = base + imm9;
            }
        } else if (bits(insn, 11, 10) == 0b10) {
            int option = bits(insn, 15, 13);
            if ((option & 0b010) == 0) {
                return cpu.undefined(insn);
            }
            int shift = bit(insn, 12) ? log2 : 0;
            address = cpu.regSp(rn, true) + Arith.extend(cpu.reg(bits(insn, 20, 16)), option, shift);
        } else {
            return cpu.undefined(insn);
        }
        cpu.checkSpAlignment(rn);
        return transfer(cpu, insn, load, address, log2, bits(insn, 4, 0), wbReg, wbValue);
    }

    /** One register of {@code 1 << log2} bytes at {@code address}, then the writeback and the PC. */
    private static Exit transfer(
            A64Cpu cpu, int insn, boolean load, long address, int log2, int rt, int wbReg, long wbValue) {
        MemorySpan span = cpu.span;
        if (!span.prepare(address, 1 << log2, !load, false)) {
            return outsideRam(cpu, insn, address);
        }
        cpu.writeback(wbReg, wbValue);
        if (load) {
            load(cpu, span, address, log2, rt);
        } else {
            store(cpu, span, address, log2, rt);
        }
        return null;
    }

    /** Loads a scalar or Q register, zeroing the bits above it. */
    static void load(A64Cpu cpu, MemorySpan span, long address, int log2, int rt) {
        if (log2 == 4) {
            cpu.vlo[rt] = span.read(address, 8);
            cpu.vhi[rt] = span.read(address + 8, 8);
        } else {
            cpu.vlo[rt] = span.read(address, 1 << log2);
            cpu.vhi[rt] = 0;
        }
    }

    static void store(A64Cpu cpu, MemorySpan span, long address, int log2, int rt) {
        if (log2 == 4) {
            span.write(address, 8, cpu.vlo[rt]);
            span.write(address + 8, 8, cpu.vhi[rt]);
        } else {
            span.write(address, 1 << log2, cpu.vlo[rt]);
        }
    }

    static Exit outsideRam(A64Cpu cpu, int insn, long address) {
        return cpu.crash(
                insn, String.format("SIMD&FP load/store at 0x%x is not in RAM (MMIO through SIMD registers)", address));
    }
}
