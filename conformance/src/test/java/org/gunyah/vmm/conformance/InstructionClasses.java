package org.gunyah.vmm.conformance;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * The instruction classes RisuTest generates, as encoding templates of the Arm ARM: an encoding is
 * {@code value | (random & ~mask)}, kept when {@code valid} accepts it. A class of loads and stores
 * says how it addresses memory, so the generator can point its base register into the memory
 * block with a MOVZ/MOVK prefix. {@link #TODAY} lists the classes the vCPU implements; a new class
 * is one more row (and a class the vCPU completes is a row whose {@code valid} excludes less). The
 * load/store rows fix V (bit 26) to 0, general-purpose registers only: the SIMD&FP forms are rows of
 * their own once they exist (their sizes differ: opc<1> with size 00 is a 128-bit access, which
 * {@code RisuTest.addressing} must then learn). A base register is never SP (31) in generated
 * loads and stores: the generator points only X0-X30 into the memory block.
 *
 * <p>Branches, system instructions, exclusives and atomics are not generated (a sequence runs
 * straight through, from EL1 here and EL0 under qemu-aarch64). Encodings that are CONSTRAINED
 * UNPREDICTABLE (a writeback base that is also a transfer register, LDP with Rt == Rt2) are
 * excluded; unallocated ones stay in where the row's mask lets them: both sides must find them
 * UNDEFINED (SIGILL under qemu, a crash of the vCPU at the same pc).
 */
final class InstructionClasses {
    /** How a class addresses memory. */
    enum Memory {
        NONE,
        /** [Xn, #imm12 << size] */
        UNSIGNED_OFFSET,
        /** [Xn, #imm9] (unscaled, unprivileged), [Xn], #imm9 (post) and [Xn, #imm9]! (pre) by bits 11:10 */
        IMM9,
        /** [Xn, Rm, extend #shift] */
        REGISTER_OFFSET,
        /** LDP/STP/LDNP/STNP/LDPSW: [Xn, #imm7 << scale] with the writeback modes of bits 24:23 */
        PAIR
    }

    record InsnClass(String name, int mask, int value, IntPredicate valid, Memory memory) {
        InsnClass(String name, int mask, int value, IntPredicate valid) {
            this(name, mask, value, valid, Memory.NONE);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static int bits(int insn, int hi, int lo) {
        return (insn >>> lo) & ((1 << (hi - lo + 1)) - 1);
    }

    static final IntPredicate ANY = i -> true;

    /** The classes the emulated vCPU implements today: integer data processing and GPR loads/stores. */
    static final List<InsnClass> TODAY = List.of(
            new InsnClass("pc-relative addressing (ADR, ADRP)", 0x1f00_0000, 0x1000_0000, ANY),
            new InsnClass("add/subtract (immediate)", 0x1f80_0000, 0x1100_0000, ANY),
            new InsnClass("logical (immediate)", 0x1f80_0000, 0x1200_0000, ANY),
            new InsnClass("move wide (immediate)", 0x1f80_0000, 0x1280_0000, ANY),
            new InsnClass("bitfield", 0x1f80_0000, 0x1300_0000, ANY),
            new InsnClass("extract", 0x1f80_0000, 0x1380_0000, ANY),
            new InsnClass("logical (shifted register)", 0x1f00_0000, 0x0a00_0000, ANY),
            new InsnClass("add/subtract (shifted register)", 0x1f20_0000, 0x0b00_0000, ANY),
            new InsnClass("add/subtract (extended register)", 0x1f20_0000, 0x0b20_0000, ANY),
            new InsnClass("conditional select", 0x1fe0_0000, 0x1a80_0000, ANY),
            new InsnClass("conditional compare", 0x1fe0_0000, 0x1a40_0000, ANY),
            new InsnClass("add/subtract with carry (ADC, SBC and their S forms)", 0x1fe0_0000, 0x1a00_0000, ANY),
            new InsnClass("data-processing (2 source)", 0x7fe0_0000, 0x1ac0_0000, ANY),
            new InsnClass("data-processing (1 source)", 0x7fe0_0000, 0x5ac0_0000, ANY),
            new InsnClass("data-processing (3 source)", 0x7f00_0000, 0x1b00_0000, ANY),
            new InsnClass(
                    "load/store register (unsigned offset)", 0x3f00_0000, 0x3900_0000, ANY, Memory.UNSIGNED_OFFSET),
            new InsnClass(
                    "load/store register (unscaled, unprivileged, pre/post-indexed)",
                    0x3f20_0000,
                    0x3800_0000,
                    InstructionClasses::noWritebackOverlap,
                    Memory.IMM9),
            new InsnClass(
                    "load/store register (register offset)", 0x3f20_0c00, 0x3820_0800, ANY, Memory.REGISTER_OFFSET),
            new InsnClass("load/store pair", 0x3e00_0000, 0x2800_0000, InstructionClasses::validPair, Memory.PAIR));

    /** A pre/post-indexed access whose base is also its transfer register is CONSTRAINED UNPREDICTABLE. */
    private static boolean noWritebackOverlap(int insn) {
        boolean writeback = (bits(insn, 10, 10)) == 1;
        return !writeback || bits(insn, 4, 0) != bits(insn, 9, 5);
    }

    private static boolean validPair(int insn) {
        int rt = bits(insn, 4, 0);
        int rt2 = bits(insn, 14, 10);
        int rn = bits(insn, 9, 5);
        boolean load = bits(insn, 22, 22) == 1;
        int mode = bits(insn, 24, 23);
        boolean writeback = mode == 1 || mode == 3;
        if (load && rt == rt2) {
            return false;
        }
        return !writeback || (rt != rn && rt2 != rn);
    }

    private InstructionClasses() {}
}
