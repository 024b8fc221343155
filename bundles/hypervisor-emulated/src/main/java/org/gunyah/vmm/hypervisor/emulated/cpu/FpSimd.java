package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bit;
import static org.gunyah.vmm.hypervisor.emulated.cpu.Decoder.bits;

/**
 * Data processing, scalar floating point and Advanced SIMD (the op0 = x111 group): hands each of
 * the Arm ARM's encoding classes to its class. Crypto, FP16 and the v8.1+ extras are undefined.
 */
final class FpSimd {
    private FpSimd() {}

    static Exit execute(A64Cpu cpu, int insn) {
        if (bit(insn, 28)) {
            if (!bit(insn, 30)) {
                return bit(insn, 24) ? FpScalar.threeSource(cpu, insn) : scalarFloat(cpu, insn);
            }
            return bit(insn, 31) ? cpu.undefined(insn) : SimdScalar.execute(cpu, insn);
        }
        if (bit(insn, 31)) {
            return cpu.undefined(insn);
        }
        return bit(insn, 24) ? vectorImmediate(cpu, insn) : vector(cpu, insn);
    }

    /** Bits 28:24 = 11110, bit 30 = 0: conversions and the scalar FP classes, by bits 21 and 15:10. */
    private static Exit scalarFloat(A64Cpu cpu, int insn) {
        if (!bit(insn, 21)) {
            return FpConvert.fixedPoint(cpu, insn);
        }
        if (bits(insn, 15, 10) == 0) {
            return FpConvert.integer(cpu, insn);
        }
        if (bit(insn, 31)) {
            return cpu.undefined(insn);
        }
        return switch (bits(insn, 11, 10)) {
            case 0b01 -> FpScalar.conditionalCompare(cpu, insn);
            case 0b10 -> FpScalar.twoSource(cpu, insn);
            case 0b11 -> FpScalar.conditionalSelect(cpu, insn);
            default -> {
                if (bits(insn, 14, 10) == 0b10000) {
                    yield FpScalar.oneSource(cpu, insn);
                } else if (bits(insn, 13, 10) == 0b1000) {
                    yield FpScalar.compare(cpu, insn);
                } else if (bits(insn, 12, 10) == 0b100) {
                    yield FpScalar.immediate(cpu, insn);
                }
                yield cpu.undefined(insn);
            }
        };
    }

    /** Bits 28:24 = 01110: the vector classes that take registers only. */
    private static Exit vector(A64Cpu cpu, int insn) {
        if (bit(insn, 21)) {
            if (bit(insn, 10)) {
                return SimdThreeSame.execute(cpu, insn);
            }
            if (bits(insn, 11, 10) == 0b00) {
                return SimdThreeDifferent.execute(cpu, insn);
            }
            if (bits(insn, 11, 10) == 0b10) {
                int kind = bits(insn, 20, 17);
                if (kind == 0b0000) {
                    return SimdTwoReg.execute(cpu, insn);
                }
                if (kind == 0b1000) {
                    return SimdAcrossLanes.execute(cpu, insn);
                }
            }
            return cpu.undefined(insn);
        }
        if (bits(insn, 28, 21) == 0b01110000 && !bit(insn, 15) && bit(insn, 10)) {
            return SimdCopy.execute(cpu, insn);
        }
        if (bit(insn, 15)) {
            return cpu.undefined(insn);
        }
        if (bit(insn, 29)) {
            return bit(insn, 10) ? cpu.undefined(insn) : SimdPermute.extract(cpu, insn);
        }
        return switch (bits(insn, 11, 10)) {
            case 0b10 -> SimdPermute.permute(cpu, insn);
            case 0b00 -> SimdPermute.table(cpu, insn);
            default -> cpu.undefined(insn);
        };
    }

    /** Bits 28:24 = 01111: modified immediate, shift by immediate, by element. */
    private static Exit vectorImmediate(A64Cpu cpu, int insn) {
        if (!bit(insn, 10)) {
            return SimdByElement.execute(cpu, insn);
        }
        if (bits(insn, 23, 19) == 0) {
            return SimdModifiedImmediate.execute(cpu, insn);
        }
        return bit(insn, 23) ? cpu.undefined(insn) : SimdShiftImmediate.execute(cpu, insn);
    }
}
