package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * The Advanced SIMD structure loads and stores: LD1-LD4/ST1-ST4 of multiple structures (1 to 4
 * registers, every arrangement), of a single structure (one lane), and LD1R-LD4R, each with its
 * post-index form (by the transfer size or by a register). Element e of structure member s comes
 * from memory at {@code (e * selem + s) * esize}, the Arm ARM's interleaving. The whole transfer
 * (at most 64 bytes) is translated before the first element moves ({@link MemorySpan}).
 */
final class SimdStructures {
    private SimdStructures() {}

    static Exit multiple(A64Cpu cpu, int insn) {
        boolean postIndex = bit(insn, 23);
        if (!postIndex && bits(insn, 21, 16) != 0 || postIndex && bit(insn, 21)) {
            return cpu.undefined(insn);
        }
        boolean q = bit(insn, 30);
        boolean load = bit(insn, 22);
        int log2 = bits(insn, 11, 10);
        int rpt;
        int selem;
        switch (bits(insn, 15, 12)) {
            case 0b0000 -> {
                rpt = 1;
                selem = 4;
            }
            case 0b0010 -> {
                rpt = 4;
                selem = 1;
            }
            case 0b0100 -> {
                rpt = 1;
                selem = 3;
            }
            case 0b0110 -> {
                rpt = 3;
                selem = 1;
            }
            case 0b0111 -> {
                rpt = 1;
                selem = 1;
            }
            case 0b1000 -> {
                rpt = 1;
                selem = 2;
            }
            case 0b1010 -> {
                rpt = 2;
                selem = 1;
            }
            default -> {
                return cpu.undefined(insn);
            }
        }
        if (log2 == 3 && !q && selem != 1) {
            return cpu.undefined(insn);
        }
        int ebytes = 1 << log2;
        int elements = (q ? 16 : 8) >> log2;
        int total = rpt * selem * elements * ebytes;
        int rn = bits(insn, 9, 5);
        long address = cpu.regSp(rn, true);
        cpu.checkSpAlignment(rn);
        MemorySpan r = cpu.span;
        if (!r.prepare(address, total, !load, false)) {
            return SimdLoadStore.outsideRam(cpu, insn, address);
        }
        writeback(cpu, insn, postIndex, rn, address, total);
        int t = bits(insn, 4, 0);
        if (load) {
            for (int i = 0; i < rpt * selem; i++) {
                int reg = (t + i) & 31;
                cpu.vlo[reg] = 0;
                cpu.vhi[reg] = 0;
            }
        }
        long a = address;
        for (int rep = 0; rep < rpt; rep++) {
            for (int e = 0; e < elements; e++) {
                for (int s = 0; s < selem; s++) {
                    int reg = (t + rep + s) & 31;
                    if (load) {
                        Vregs.setElem(cpu, reg, e, log2, r.read(a, ebytes));
                    } else {
                        r.write(a, ebytes, Vregs.elem(cpu, reg, e, log2));
                    }
                    a += ebytes;
                }
            }
        }
        return null;
    }

    static Exit single(A64Cpu cpu, int insn) {
        boolean postIndex = bit(insn, 23);
        if (!postIndex && bits(insn, 20, 16) != 0) {
            return cpu.undefined(insn);
        }
        boolean q = bit(insn, 30);
        boolean load = bit(insn, 22);
        int opcode = bits(insn, 15, 13);
        boolean s = bit(insn, 12);
        int size = bits(insn, 11, 10);
        int selem = ((opcode & 1) << 1 | (bit(insn, 21) ? 1 : 0)) + 1;
        int scale = opcode >> 1;
        boolean replicate = false;
        int index;
        switch (scale) {
            case 3 -> {
                if (!load || s) {
                    return cpu.undefined(insn);
                }
                scale = size;
                replicate = true;
                index = 0;
            }
            case 0 -> index = (q ? 8 : 0) | (s ? 4 : 0) | size;
            case 1 -> {
                if ((size & 1) != 0) {
                    return cpu.undefined(insn);
                }
                index = (q ? 4 : 0) | (s ? 2 : 0) | (size >> 1);
            }
            default -> {
                if ((size & 2) != 0 || (size & 1) != 0 && s) {
                    return cpu.undefined(insn);
                }
                if ((size & 1) == 0) {
                    index = (q ? 2 : 0) | (s ? 1 : 0);
                } else {
                    index = q ? 1 : 0;
                    scale = 3;
                }
            }
        }
        int ebytes = 1 << scale;
        int total = selem * ebytes;
        int rn = bits(insn, 9, 5);
        long address = cpu.regSp(rn, true);
        cpu.checkSpAlignment(rn);
        MemorySpan r = cpu.span;
        if (!r.prepare(address, total, !load, false)) {
            return SimdLoadStore.outsideRam(cpu, insn, address);
        }
        writeback(cpu, insn, postIndex, rn, address, total);
        int t = bits(insn, 4, 0);
        for (int i = 0; i < selem; i++) {
            int reg = (t + i) & 31;
            long a = address + (long) i * ebytes;
            if (replicate) {
                long v = Bits.replicate(r.read(a, ebytes), 8 * ebytes, 64);
                Vregs.setVector(cpu, reg, v, v, q);
            } else if (load) {
                Vregs.setElem(cpu, reg, index, scale, r.read(a, ebytes));
            } else {
                r.write(a, ebytes, Vregs.elem(cpu, reg, index, scale));
            }
        }
        return null;
    }

    /** Post-index: Rm = 31 adds the transfer size, any other Rm adds that register. Then the PC. */
    private static void writeback(A64Cpu cpu, int insn, boolean postIndex, int rn, long address, int total) {
        int rm = bits(insn, 20, 16);
        cpu.writeback(postIndex ? rn : -1, address + (rm == 31 ? total : cpu.reg(rm)));
    }
}
