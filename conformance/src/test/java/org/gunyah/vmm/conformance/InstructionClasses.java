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
 * <p>Branches and system instructions are not generated (a sequence runs straight through, from
 * EL1 here and EL0 under qemu-aarch64). Encodings that are CONSTRAINED
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
        PAIR,
        /** [Xn] (LD1-LD4/ST1-ST4, post-index by Rm or the size), up to 64 bytes */
        STRUCTURES,
        /** [Xn], the same 16-byte aligned address for every instruction of a sequence (exclusives) */
        EXCLUSIVE,
        /** [Xn], a 16-byte aligned address (ordered accesses, atomics) */
        ALIGNED
    }

    /** The reference CPUs: ARMv8.2 with LSE for the integer classes, ARMv8.0 for FP and SIMD. */
    static final String V82 = "cortex-a76";

    /** ARMv8.0 with FP and Advanced SIMD and nothing later: no FP16, RDM, dot product, which a76 has and we do not advertise. */
    static final String V80 = "cortex-a57";

    /** {@code cpu}: qemu's -cpu for the reference (the risu.cpu property overrides it). */
    record InsnClass(String name, int mask, int value, IntPredicate valid, Memory memory, String cpu) {
        InsnClass(String name, int mask, int value, IntPredicate valid) {
            this(name, mask, value, valid, Memory.NONE, V82);
        }

        InsnClass(String name, int mask, int value, IntPredicate valid, Memory memory) {
            this(name, mask, value, valid, memory, V82);
        }

        /** A floating-point or Advanced SIMD class, compared with an ARMv8.0 CPU. */
        static InsnClass simd(String name, int mask, int value, IntPredicate valid) {
            return new InsnClass(name, mask, value, valid, Memory.NONE, V80);
        }

        static InsnClass simd(String name, int mask, int value, IntPredicate valid, Memory memory) {
            return new InsnClass(name, mask, value, valid, memory, V80);
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

    /**
     * The classes the emulated vCPU implements today: integer data processing, GPR loads and
     * stores, exclusives and atomics, floating point and Advanced SIMD with their loads and stores.
     */
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
            new InsnClass("load/store pair", 0x3e00_0000, 0x2800_0000, InstructionClasses::validPair, Memory.PAIR),
            // Exclusives: one size (and single or pair) per class, as a Store-Exclusive of another
            // size than its Load-Exclusive is CONSTRAINED UNPREDICTABLE; every instruction of a
            // sequence addresses the same word, after a CLREX, so the STXRs that succeed do on both.
            new InsnClass(
                    "load/store exclusive, bytes",
                    0xffa0_7c00,
                    0x0800_7c00,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            new InsnClass(
                    "load/store exclusive, halfwords",
                    0xffa0_7c00,
                    0x4800_7c00,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            new InsnClass(
                    "load/store exclusive, words",
                    0xffa0_7c00,
                    0x8800_7c00,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            new InsnClass(
                    "load/store exclusive, doublewords",
                    0xffa0_7c00,
                    0xc800_7c00,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            new InsnClass(
                    "load/store exclusive pair, words",
                    0xffa0_0000,
                    0x8820_0000,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            new InsnClass(
                    "load/store exclusive pair, doublewords",
                    0xffa0_0000,
                    0xc820_0000,
                    InstructionClasses::validExclusive,
                    Memory.EXCLUSIVE),
            // o0 = 1: LDAR/STLR; o0 = 0 is LDLAR/STLLR of v8.1 LOR, which we do not advertise
            new InsnClass("load-acquire/store-release (LDAR, STLR)", 0x3fbf_fc00, 0x089f_fc00, ANY, Memory.ALIGNED),
            new InsnClass("compare and swap (CAS)", 0x3fa0_7c00, 0x08a0_7c00, ANY, Memory.ALIGNED),
            new InsnClass("compare and swap pair (CASP)", 0xbfa0_7c00, 0x0820_7c00, ANY, Memory.ALIGNED),
            new InsnClass(
                    "atomic memory operations (LSE)",
                    0x3f20_0c00,
                    0x3820_0000,
                    InstructionClasses::notRcpc,
                    Memory.ALIGNED),
            // Floating point and Advanced SIMD, by the Arm ARM's encoding classes (M = S = 0; the
            // crypto classes, which we do not advertise, are not generated)
            InsnClass.simd("floating-point data-processing (1 source)", 0xff20_7c00, 0x1e20_4000, ANY),
            InsnClass.simd("floating-point compare", 0xff20_3c00, 0x1e20_2000, ANY),
            InsnClass.simd("floating-point immediate", 0xff20_1c00, 0x1e20_1000, ANY),
            InsnClass.simd("floating-point conditional compare", 0xff20_0c00, 0x1e20_0400, ANY),
            InsnClass.simd("floating-point data-processing (2 source)", 0xff20_0c00, 0x1e20_0800, ANY),
            InsnClass.simd("floating-point conditional select", 0xff20_0c00, 0x1e20_0c00, ANY),
            InsnClass.simd("floating-point data-processing (3 source)", 0xff00_0000, 0x1f00_0000, ANY),
            InsnClass.simd("conversion between floating point and integer", 0x7f20_fc00, 0x1e20_0000, ANY),
            InsnClass.simd("conversion between floating point and fixed point", 0x7f20_0000, 0x1e00_0000, ANY),
            InsnClass.simd("Advanced SIMD three same", 0x9f20_0400, 0x0e20_0400, ANY),
            InsnClass.simd("Advanced SIMD three different", 0x9f20_0c00, 0x0e20_0000, InstructionClasses::notPmull64),
            InsnClass.simd("Advanced SIMD two-register miscellaneous", 0x9f3e_0c00, 0x0e20_0800, ANY),
            InsnClass.simd("Advanced SIMD across lanes", 0x9f3e_0c00, 0x0e30_0800, ANY),
            InsnClass.simd("Advanced SIMD copy", 0x9fe0_8400, 0x0e00_0400, ANY),
            InsnClass.simd("Advanced SIMD modified immediate", 0x9ff8_0400, 0x0f00_0400, ANY),
            InsnClass.simd("Advanced SIMD shift by immediate", 0x9f80_0400, 0x0f00_0400, InstructionClasses::immhSet),
            InsnClass.simd("Advanced SIMD vector x indexed element", 0x9f00_0400, 0x0f00_0000, ANY),
            InsnClass.simd("Advanced SIMD permute", 0xbf20_8c00, 0x0e00_0800, ANY),
            InsnClass.simd("Advanced SIMD extract", 0xbf20_8400, 0x2e00_0000, ANY),
            InsnClass.simd("Advanced SIMD table lookup", 0xbf20_8c00, 0x0e00_0000, ANY),
            InsnClass.simd("Advanced SIMD scalar three same", 0xdf20_0400, 0x5e20_0400, ANY),
            InsnClass.simd("Advanced SIMD scalar three different", 0xdf20_0c00, 0x5e20_0000, ANY),
            InsnClass.simd("Advanced SIMD scalar two-register miscellaneous", 0xdf3e_0c00, 0x5e20_0800, ANY),
            InsnClass.simd("Advanced SIMD scalar pairwise", 0xdf3e_0c00, 0x5e30_0800, ANY),
            InsnClass.simd("Advanced SIMD scalar copy", 0xdfe0_8400, 0x5e00_0400, ANY),
            InsnClass.simd(
                    "Advanced SIMD scalar shift by immediate", 0xdf80_0400, 0x5f00_0400, InstructionClasses::immhSet),
            InsnClass.simd("Advanced SIMD scalar x indexed element", 0xdf00_0400, 0x5f00_0000, ANY),
            InsnClass.simd(
                    "SIMD&FP load/store register (unsigned offset)",
                    0x3f00_0000,
                    0x3d00_0000,
                    ANY,
                    Memory.UNSIGNED_OFFSET),
            InsnClass.simd(
                    "SIMD&FP load/store register (unscaled, pre/post-indexed)",
                    0x3f20_0000,
                    0x3c00_0000,
                    ANY,
                    Memory.IMM9),
            InsnClass.simd(
                    "SIMD&FP load/store register (register offset)",
                    0x3f20_0c00,
                    0x3c20_0800,
                    ANY,
                    Memory.REGISTER_OFFSET),
            InsnClass.simd(
                    "SIMD&FP load/store pair",
                    0x3e00_0000,
                    0x2c00_0000,
                    InstructionClasses::validSimdPair,
                    Memory.PAIR),
            InsnClass.simd(
                    "Advanced SIMD load/store multiple structures",
                    0xbf80_0000,
                    0x0c00_0000,
                    InstructionClasses::noPostIndexBits,
                    Memory.STRUCTURES),
            InsnClass.simd(
                    "Advanced SIMD load/store multiple structures (post-indexed)",
                    0xbfa0_0000,
                    0x0c80_0000,
                    ANY,
                    Memory.STRUCTURES),
            InsnClass.simd(
                    "Advanced SIMD load/store single structure", 0xbf9f_0000, 0x0d00_0000, ANY, Memory.STRUCTURES),
            InsnClass.simd(
                    "Advanced SIMD load/store single structure (post-indexed)",
                    0xbf80_0000,
                    0x0d80_0000,
                    ANY,
                    Memory.STRUCTURES));

    /** Loads of an exclusive pair into one register twice, and a status register that is also an operand, are CONSTRAINED UNPREDICTABLE. */
    private static boolean validExclusive(int insn) {
        boolean load = bits(insn, 22, 22) == 1;
        boolean pair = bits(insn, 21, 21) == 1;
        int rs = bits(insn, 20, 16);
        int rt2 = bits(insn, 14, 10);
        int rn = bits(insn, 9, 5);
        int rt = bits(insn, 4, 0);
        if (load) {
            return rs == 31 && (!pair || rt != rt2);
        }
        return pair ? rs != rt && rs != rt2 && rs != rn : rs != rt && rs != rn;
    }

    /** LDAPR (v8.3 RCpc: o3 = 1, opc = 100) is not advertised. */
    private static boolean notRcpc(int insn) {
        return !(bits(insn, 15, 15) == 1 && bits(insn, 14, 12) == 0b100);
    }

    /** PMULL of doublewords (size 11, opcode 1110) is crypto, not advertised. */
    private static boolean notPmull64(int insn) {
        return !(bits(insn, 23, 22) == 3 && bits(insn, 15, 12) == 0b1110);
    }

    /** immh = 0000 is the modified immediate class. */
    private static boolean immhSet(int insn) {
        return bits(insn, 22, 19) != 0;
    }

    /** Multiple structures without post-index: bits 21:16 are zero. */
    private static boolean noPostIndexBits(int insn) {
        return bits(insn, 21, 16) == 0;
    }

    /** LDP of SIMD&FP registers with Rt == Rt2 is CONSTRAINED UNPREDICTABLE. */
    private static boolean validSimdPair(int insn) {
        return bits(insn, 22, 22) == 0 || bits(insn, 4, 0) != bits(insn, 14, 10);
    }

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
