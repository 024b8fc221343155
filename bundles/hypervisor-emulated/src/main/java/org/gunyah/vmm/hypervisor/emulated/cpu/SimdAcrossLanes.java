package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/** Advanced SIMD across lanes: ADDV, SADDLV/UADDLV, SMAXV/UMAXV, SMINV/UMINV (FMAXV & co: SimdFloat). */
final class SimdAcrossLanes {
    private SimdAcrossLanes() {}

    static Exit execute(A64Cpu cpu, int insn) {
        boolean q = bit(insn, 30);
        boolean u = bit(insn, 29);
        int size = bits(insn, 23, 22);
        int opcode = bits(insn, 16, 12);
        if (opcode == 0b01100 || opcode == 0b01111) {
            return SimdFloat.acrossLanes(cpu, insn);
        }
        boolean known = opcode == 0b00011 || opcode == 0b01010 || opcode == 0b11010 || opcode == 0b11011 && !u;
        if (!known || size == 3 || size == 2 && !q) {
            return cpu.undefined(insn);
        }
        int rn = bits(insn, 9, 5);
        long lo = cpu.vlo[rn];
        long hi = cpu.vhi[rn];
        int lanes = (q ? 16 : 8) >> size;
        long acc = lane(lo, hi, 0, size, u);
        for (int i = 1; i < lanes; i++) {
            long e = lane(lo, hi, i, size, u);
            acc = switch (opcode) {
                case 0b01010 -> Math.max(acc, e);
                case 0b11010 -> Math.min(acc, e);
                default -> acc + e;
            };
        }
        int outSize = opcode == 0b00011 ? size + 1 : size;
        Vregs.setScalar(cpu, bits(insn, 4, 0), outSize, acc);
        cpu.pc += 4;
        return null;
    }

    /** A lane as a signed or unsigned value (lanes are at most 32 bits here). */
    private static long lane(long lo, long hi, int i, int size, boolean unsigned) {
        long e = Vregs.lane(lo, hi, i, size);
        return unsigned ? e : Vregs.signed(e, size);
    }
}
