package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/** Advanced SIMD modified immediate: MOVI, MVNI, ORR, BIC (vector, immediate) and FMOV (vector). */
final class SimdModifiedImmediate {
    private SimdModifiedImmediate() {}

    static Exit execute(A64Cpu cpu, int insn) {
        boolean q = bit(insn, 30);
        boolean op = bit(insn, 29);
        int cmode = bits(insn, 15, 12);
        if (bit(insn, 11) || cmode == 0b1111 && op && !q) {
            return cpu.undefined(insn); // o2: FP16
        }
        long imm8 = (bits(insn, 18, 16) << 5) | bits(insn, 9, 5);
        long imm = expand(op, cmode, imm8);
        int rd = bits(insn, 4, 0);
        boolean logical = cmode < 0b1100 && (cmode & 1) == 1;
        if (!logical) {
            boolean invert = op && cmode < 0b1110;
            long v = invert ? ~imm : imm;
            Vregs.setVector(cpu, rd, v, v, q);
        } else if (op) {
            Vregs.setVector(cpu, rd, cpu.vlo[rd] & ~imm, cpu.vhi[rd] & ~imm, q); // BIC
        } else {
            Vregs.setVector(cpu, rd, cpu.vlo[rd] | imm, cpu.vhi[rd] | imm, q); // ORR
        }
        cpu.pc += 4;
        return null;
    }

    /** AdvSIMDExpandImm: the 64-bit pattern, repeated in both halves. */
    static long expand(boolean op, int cmode, long imm8) {
        return switch (cmode >> 1) {
            case 0 -> Bits.replicate(imm8, 32, 64);
            case 1 -> Bits.replicate(imm8 << 8, 32, 64);
            case 2 -> Bits.replicate(imm8 << 16, 32, 64);
            case 3 -> Bits.replicate(imm8 << 24, 32, 64);
            case 4 -> Bits.replicate(imm8, 16, 64);
            case 5 -> Bits.replicate(imm8 << 8, 16, 64);
            case 6 -> Bits.replicate((cmode & 1) == 0 ? imm8 << 8 | 0xff : imm8 << 16 | 0xffff, 32, 64);
            default -> {
                if ((cmode & 1) == 0) {
                    if (!op) {
                        yield Bits.replicate(imm8, 8, 64);
                    }
                    long v = 0;
                    for (int i = 0; i < 8; i++) {
                        if ((imm8 >> i & 1) != 0) {
                            v |= 0xffL << (8 * i);
                        }
                    }
                    yield v;
                }
                yield op ? FpScalar.expandImm(imm8, 3) : Bits.replicate(FpScalar.expandImm(imm8, 2), 32, 64);
            }
        };
    }
}
