package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Loads and stores of the SIMD and floating-point registers (the V bit, 26, set): LDR/STR of B, H,
 * S, D and Q in every addressing mode, LDR literal, LDP/STP/LDNP/STNP, and the structure
 * instructions LD1-LD4/ST1-LD4 (multiple structures, one lane, and LD1R-LD4R). The whole access
 * must lie in one RAM region: MMIO through SIMD registers is a crash of the guest. The access is
 * checked before anything changes, so a crash leaves the registers and the PC as they were.
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
        return transfer(cpu, insn, true, address, opc + 2, bits(insn, 4, 0));
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
        GuestMemory.Region r = ram(cpu, address, 2 * size);
        if (r == null) {
            return outsideRam(cpu, insn, address);
        }
        if (mode == 1 || mode == 3) {
            cpu.setRegSp(rn, base + offset, true);
        }
        cpu.pc += 4;
        if (load) {
            // rt == rt2 is CONSTRAINED UNPREDICTABLE: the second load wins, as on qemu.
            load(cpu, r, address, log2, rt);
            load(cpu, r, address + size, log2, rt2);
        } else {
            store(cpu, r, address, log2, rt);
            store(cpu, r, address + size, log2, rt2);
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
            if (ram(cpu, address, 1 << log2) == null) {
                return outsideRam(cpu, insn, address);
            }
            if (mode == 1 || mode == 3) {
                cpu.setRegSp(rn, base + imm9, true);
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
        return transfer(cpu, insn, load, address, log2, bits(insn, 4, 0));
    }

    /** One register of {@code 1 << log2} bytes at {@code address}, then the PC moves on. */
    private static Exit transfer(A64Cpu cpu, int insn, boolean load, long address, int log2, int rt) {
        GuestMemory.Region r = ram(cpu, address, 1 << log2);
        if (r == null) {
            return outsideRam(cpu, insn, address);
        }
        cpu.pc += 4;
        if (load) {
            load(cpu, r, address, log2, rt);
        } else {
            store(cpu, r, address, log2, rt);
        }
        return null;
    }

    /** Loads a scalar or Q register, zeroing the bits above it. */
    static void load(A64Cpu cpu, GuestMemory.Region r, long address, int log2, int rt) {
        if (log2 == 4) {
            cpu.vlo[rt] = GuestMemory.load(r, address, 8);
            cpu.vhi[rt] = GuestMemory.load(r, address + 8, 8);
        } else {
            cpu.vlo[rt] = GuestMemory.load(r, address, 1 << log2);
            cpu.vhi[rt] = 0;
        }
    }

    static void store(A64Cpu cpu, GuestMemory.Region r, long address, int log2, int rt) {
        if (log2 == 4) {
            GuestMemory.store(r, address, 8, cpu.vlo[rt]);
            GuestMemory.store(r, address + 8, 8, cpu.vhi[rt]);
        } else {
            GuestMemory.store(r, address, 1 << log2, cpu.vlo[rt]);
        }
    }

    /** The RAM region holding all of [address, address + size), or null. */
    static GuestMemory.Region ram(A64Cpu cpu, long address, int size) {
        GuestMemory.Region r = cpu.dataRegion;
        if (r == null || !r.contains(address, size)) {
            r = cpu.memory.find(address, size);
            if (r != null) {
                cpu.dataRegion = r;
            }
        }
        return r;
    }

    static Exit outsideRam(A64Cpu cpu, int insn, long address) {
        return cpu.crash(
                insn, String.format("SIMD&FP load/store at 0x%x is not in RAM (MMIO through SIMD registers)", address));
    }
}
