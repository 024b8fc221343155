package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Loads and stores of 1, 2, 4 and 8 bytes (literal, unsigned offset, unscaled, pre- and
 * post-index, register offset), LDP/STP, and the LDADD atomics. Writeback and the PC move before
 * the access, so an MMIO exit leaves the vCPU ready to resume (a writeback into the transfer
 * register is UNPREDICTABLE on hardware too). SIMD registers and exclusives are not supported.
 */
final class LoadStore {
    private LoadStore() {}

    static Exit execute(A64Cpu cpu, int insn) {
        if (bit(insn, 26)) {
            return SimdLoadStore.execute(cpu, insn);
        }
        int op = bits(insn, 29, 27);
        if (op == 0b011 && bits(insn, 25, 24) == 0) {
            return literal(cpu, insn);
        }
        if (op == 0b101) {
            return pair(cpu, insn);
        }
        if (op == 0b111) {
            return single(cpu, insn);
        }
        return cpu.undefined(insn);
    }

    private static Exit literal(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        long address = cpu.pc + (Bits.signExtend(bits(insn, 23, 5), 19) << 2);
        cpu.pc += 4;
        return switch (opc) {
            case 0 -> cpu.access(true, address, 4, bits(insn, 4, 0), false, false);
            case 1 -> cpu.access(true, address, 8, bits(insn, 4, 0), false, true);
            case 2 -> cpu.access(true, address, 4, bits(insn, 4, 0), true, true);
            default -> null; // PRFM
        };
    }

    private static Exit pair(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        boolean load = bit(insn, 22);
        int mode = bits(insn, 24, 23);
        if (opc == 3 || (opc == 1 && !load)) {
            return cpu.undefined(insn);
        }
        int size = opc == 2 ? 8 : 4;
        int rt = bits(insn, 4, 0);
        int rt2 = bits(insn, 14, 10);
        int rn = bits(insn, 9, 5);
        long offset = Bits.signExtend(bits(insn, 21, 15), 7) * size;
        long base = cpu.regSp(rn, true);
        long address = mode == 1 ? base : base + offset;
        if (mode == 1 || mode == 3) {
            cpu.setRegSp(rn, base + offset, true);
        }
        if (cpu.memory.find(address, 2 * size) == null) {
            return cpu.crash(insn, String.format("LDP/STP at 0x%x is not in RAM", address));
        }
        cpu.pc += 4;
        boolean signed = opc == 1;
        long first = cpu.reg(rt);
        long second = cpu.reg(rt2);
        if (load) {
            cpu.access(true, address, size, rt, signed, opc != 0);
            cpu.access(true, address + size, size, rt2, signed, opc != 0);
        } else {
            // Stores use the values from before any writeback into a transfer register.
            storeValue(cpu, address, size, first);
            storeValue(cpu, address + size, size, second);
        }
        return null;
    }

    private static void storeValue(A64Cpu cpu, long address, int size, long value) {
        GuestMemory.store(cpu.memory.find(address, size), address, size, value);
    }

    private static Exit single(A64Cpu cpu, int insn) {
        int sizeBits = bits(insn, 31, 30);
        int size = 1 << sizeBits;
        int opc = bits(insn, 23, 22);
        int rt = bits(insn, 4, 0);
        int rn = bits(insn, 9, 5);
        if (!bit(insn, 24) && bit(insn, 21) && bits(insn, 11, 10) == 0b00) {
            return bits(insn, 15, 12) == 0 ? atomicAdd(cpu, insn, size) : cpu.undefined(insn);
        }
        if (opc == 3 && size >= 4) {
            return cpu.undefined(insn);
        }
        long address;
        if (bit(insn, 24)) {
            address = cpu.regSp(rn, true) + ((long) bits(insn, 21, 10) << sizeBits);
        } else if (!bit(insn, 21)) {
            long base = cpu.regSp(rn, true);
            long imm9 = Bits.signExtend(bits(insn, 20, 12), 9);
            int mode = bits(insn, 11, 10);
            address = mode == 1 ? base : base + imm9;
            if (mode == 1 || mode == 3) {
                cpu.setRegSp(rn, base + imm9, true);
            }
        } else if (bits(insn, 11, 10) == 0b10) {
            int option = bits(insn, 15, 13);
            if ((option & 0b010) == 0) {
                return cpu.undefined(insn);
            }
            int shift = bit(insn, 12) ? sizeBits : 0;
            address = cpu.regSp(rn, true) + Arith.extend(cpu.reg(bits(insn, 20, 16)), option, shift);
        } else {
            return cpu.undefined(insn);
        }
        cpu.pc += 4;
        return switch (opc) {
            case 0 -> cpu.access(false, address, size, rt, false, true);
            case 1 -> cpu.access(true, address, size, rt, false, size == 8);
            case 2 -> size == 8 ? null : cpu.access(true, address, size, rt, true, true); // size 8: PRFM
            default -> cpu.access(true, address, size, rt, true, false);
        };
    }

    /** LDADD{A}{L} Rs, Rt, [Rn]: atomically adds Rs to memory, Rt gets the old value. */
    private static Exit atomicAdd(A64Cpu cpu, int insn, int size) {
        if (size < 4) {
            return cpu.undefined(insn);
        }
        long address = cpu.regSp(bits(insn, 9, 5), true);
        GuestMemory.Region r = cpu.memory.find(address, size);
        if (r == null || (address & (size - 1)) != 0) {
            return cpu.crash(insn, String.format("LDADD at 0x%x is not aligned RAM", address));
        }
        long old = GuestMemory.getAndAdd(r, address, size, cpu.reg(bits(insn, 20, 16)));
        cpu.setReg(bits(insn, 4, 0), old, size == 8);
        cpu.pc += 4;
        return null;
    }
}
