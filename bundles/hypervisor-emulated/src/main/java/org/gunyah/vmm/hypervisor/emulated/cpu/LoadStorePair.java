package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Load/store register pair (bits 29:27 = 101, V = 0): LDP/STP of W and X registers and LDPSW with
 * signed offset, post- and pre-index, and the no-allocate LDNP/STNP (signed offset only). opc 11,
 * STGP (opc 01 store, MTE) and LDNP/STNP with opc 01 are unallocated. A pair outside RAM crashes
 * the guest: an MMIO exit carries one access. Both registers' memory is translated before the
 * writeback, the PC or any register changes, so a fault (on either page, when the pair crosses one)
 * leaves the instruction to re-execute.
 */
final class LoadStorePair {
    private LoadStorePair() {}

    static Exit execute(A64Cpu cpu, int insn) {
        int opc = bits(insn, 31, 30);
        boolean load = bit(insn, 22);
        int mode = bits(insn, 24, 23); // 00 no-allocate, 01 post-index, 10 signed offset, 11 pre-index
        if (opc == 3 || (opc == 1 && (!load || mode == 0))) {
            return cpu.undefined(insn);
        }
        int size = opc == 2 ? 8 : 4;
        long offset = Bits.signExtend(bits(insn, 21, 15), 7) * size;
        return transfer(cpu, insn, opc, load, mode, bits(insn, 4, 0), bits(insn, 14, 10), bits(insn, 9, 5), offset);
    }

    /**
     * A valid pair instruction, decoded: for the interpreter and translated code (which sets the
     * PC to the instruction first); {@code insn} names it in a crash.
     */
    static Exit transfer(A64Cpu cpu, int insn, int opc, boolean load, int mode, int rt, int rt2, int rn, long offset) {
        int size = opc == 2 ? 8 : 4;
        long base = cpu.regSp(rn, true);
        long address = mode == 1 ? base : base + offset;
        cpu.checkSpAlignment(rn);
        MemorySpan span = cpu.span;
        if (!span.prepare(address, 2 * size, !load, false)) {
            String name = load ? "LDP" : "STP";
            return cpu.crash(insn, String.format("%s at 0x%x is not in RAM", name, address));
        }
        // Stores use the values from before any writeback into a transfer register.
        long first = cpu.reg(rt);
        long second = cpu.reg(rt2);
        cpu.writeback(mode == 1 || mode == 3 ? rn : -1, base + offset);
        if (load) {
            boolean signed = opc == 1;
            long a = span.read(address, size);
            long b = span.read(address + size, size);
            cpu.setReg(rt, signed ? (int) a : a, opc != 0);
            cpu.setReg(rt2, signed ? (int) b : b, opc != 0);
        } else {
            span.write(address, size, first);
            span.write(address + size, size, second);
        }
        return null;
    }
}
