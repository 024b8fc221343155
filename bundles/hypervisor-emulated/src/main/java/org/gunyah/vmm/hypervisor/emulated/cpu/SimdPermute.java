package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/** Advanced SIMD permute (UZP1/UZP2, TRN1/TRN2, ZIP1/ZIP2), extract (EXT) and table (TBL/TBX). */
final class SimdPermute {
    private SimdPermute() {}

    static Exit permute(A64Cpu cpu, int insn) {
        boolean q = bit(insn, 30);
        int size = bits(insn, 23, 22);
        int opcode = bits(insn, 14, 12);
        if ((opcode & 3) == 0 || size == 3 && !q) {
            return cpu.undefined(insn);
        }
        int part = opcode >> 2;
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        long nlo = cpu.vlo[rn];
        long nhi = cpu.vhi[rn];
        long mlo = cpu.vlo[rm];
        long mhi = cpu.vhi[rm];
        int lanes = (q ? 16 : 8) >> size;
        int pairs = lanes / 2;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < lanes; i++) {
            long r;
            switch (opcode & 3) {
                case 1 -> { // UZP: the even (or odd) elements of n:m
                    int j = 2 * i + part;
                    r = j < lanes ? Vregs.lane(nlo, nhi, j, size) : Vregs.lane(mlo, mhi, j - lanes, size);
                }
                case 2 -> { // TRN
                    int j = (i & ~1) + part;
                    r = (i & 1) == 0 ? Vregs.lane(nlo, nhi, j, size) : Vregs.lane(mlo, mhi, j, size);
                }
                default -> { // ZIP
                    int j = part * pairs + i / 2;
                    r = (i & 1) == 0 ? Vregs.lane(nlo, nhi, j, size) : Vregs.lane(mlo, mhi, j, size);
                }
            }
            int bit = i << (3 + size);
            if (bit < 64) {
                rlo |= r << bit;
            } else {
                rhi |= r << (bit - 64);
            }
        }
        Vregs.setVector(cpu, bits(insn, 4, 0), rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }

    /** EXT: bytes imm4 upwards of m:n. */
    static Exit extract(A64Cpu cpu, int insn) {
        boolean q = bit(insn, 30);
        int imm4 = bits(insn, 14, 11);
        if (bits(insn, 23, 22) != 0 || !q && imm4 >= 8) {
            return cpu.undefined(insn);
        }
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        int bytes = q ? 16 : 8;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < bytes; i++) {
            int j = i + imm4;
            long b = j < bytes ? Vregs.elem(cpu, rn, j, 0) : Vregs.elem(cpu, rm, j - bytes, 0);
            if (i < 8) {
                rlo |= b << (8 * i);
            } else {
                rhi |= b << (8 * (i - 8));
            }
        }
        Vregs.setVector(cpu, bits(insn, 4, 0), rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }

    /** TBL/TBX: each index byte picks a byte of the 1 to 4 table registers; out of range is 0 or kept. */
    static Exit table(A64Cpu cpu, int insn) {
        if (bits(insn, 23, 22) != 0) {
            return cpu.undefined(insn);
        }
        boolean q = bit(insn, 30);
        boolean tbx = bit(insn, 12);
        int regs = bits(insn, 14, 13) + 1;
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        int rd = bits(insn, 4, 0);
        long ilo = cpu.vlo[rm];
        long ihi = cpu.vhi[rm];
        long dlo = cpu.vlo[rd];
        long dhi = cpu.vhi[rd];
        int bytes = q ? 16 : 8;
        long rlo = 0;
        long rhi = 0;
        for (int i = 0; i < bytes; i++) {
            int index = (int) Vregs.lane(ilo, ihi, i, 0);
            long b;
            if (index < 16 * regs) {
                b = Vregs.elem(cpu, (rn + index / 16) & 31, index % 16, 0);
            } else {
                b = tbx ? Vregs.lane(dlo, dhi, i, 0) : 0;
            }
            if (i < 8) {
                rlo |= b << (8 * i);
            } else {
                rhi |= b << (8 * (i - 8));
            }
        }
        Vregs.setVector(cpu, rd, rlo, rhi, q);
        cpu.pc += 4;
        return null;
    }
}
