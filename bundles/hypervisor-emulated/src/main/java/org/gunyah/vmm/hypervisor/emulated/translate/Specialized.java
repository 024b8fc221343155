package org.gunyah.vmm.hypervisor.emulated.translate;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.Bits;

/**
 * The common integer instructions as a call of the interpreter's own operation for their encoding
 * class with the fields decoded (constants), rather than of its whole decoder: C2 inlines those
 * small methods where it would not inline the decoder of a group, so the decoding is gone from
 * the compiled region. Only valid encodings are specialised (the decoders' UNDEFINED checks are
 * made here); anything else is a STEP.
 *
 * @param owner the class of the operation, in the vCPU's package
 * @param name the operation
 * @param type its descriptor, after the vCPU
 * @param withPc whether the instruction's address comes first (it can fault or exit)
 * @param args the decoded fields
 * @param stores whether it may write memory
 */
record Specialized(
        String owner, String name, MethodTypeDesc type, boolean withPc, List<ConstantDesc> args, boolean stores) {
    private static final String CPU_PACKAGE = "org.gunyah.vmm.hypervisor.emulated.cpu.";
    static final ClassDesc CD_CPU = ClassDesc.of(CPU_PACKAGE + "A64Cpu");
    static final ClassDesc CD_EXIT = ClassDesc.of(CPU_PACKAGE + "Exit");

    ClassDesc ownerDesc() {
        return ClassDesc.of(CPU_PACKAGE + owner);
    }

    /** Whether it is a load or store (which never touches NZCV). */
    boolean memory() {
        return withPc;
    }

    boolean exits() {
        return !type.returnType().equals(CD_void);
    }

    private static int bits(int insn, int hi, int lo) {
        return (insn >>> lo) & ((1 << (hi - lo + 1)) - 1);
    }

    private static boolean bit(int insn, int b) {
        return ((insn >>> b) & 1) != 0;
    }

    /** A void operation of (A64Cpu, ints and booleans and longs as {@code args} are). */
    private static Specialized op(String owner, String name, Object... args) {
        List<ClassDesc> params = new ArrayList<>();
        List<ConstantDesc> values = new ArrayList<>();
        params.add(CD_CPU);
        for (Object a : args) {
            switch (a) {
                case Boolean b -> {
                    params.add(CD_boolean);
                    values.add(b ? 1 : 0);
                }
                case Integer i -> {
                    params.add(CD_int);
                    values.add(i);
                }
                case Long l -> {
                    params.add(CD_long);
                    values.add(l);
                }
                default -> throw new IllegalArgumentException(String.valueOf(a));
            }
        }
        return new Specialized(owner, name, MethodTypeDesc.of(CD_void, params), false, values, false);
    }

    /** An access through RegionOps: (A64Cpu, long at, args...) returning an Exit. */
    private static Specialized access(String name, boolean stores, Object... args) {
        Specialized s = op("RegionOps", name, args);
        List<ClassDesc> params = new ArrayList<>(s.type.parameterList());
        params.add(1, CD_long);
        return new Specialized(s.owner, name, MethodTypeDesc.of(CD_EXIT, params), true, s.args, stores);
    }

    /** The specialised form of {@code insn} at {@code va}, or null (a STEP). */
    static Specialized of(int insn, long va) {
        int op0 = (insn >>> 25) & 0xf;
        if ((op0 & 0b1110) == 0b1000) {
            return immediate(insn, va);
        }
        if ((op0 & 0b0111) == 0b0101) {
            return register(insn);
        }
        if ((op0 & 0b0101) == 0b0100 && !bit(insn, 26) && bits(insn, 29, 27) == 0b111) {
            return loadStore(insn);
        }
        if ((op0 & 0b0101) == 0b0100 && !bit(insn, 26) && bits(insn, 29, 27) == 0b101) {
            return pair(insn);
        }
        return null;
    }

    private static Specialized immediate(int insn, long va) {
        boolean sf = bit(insn, 31);
        int rd = bits(insn, 4, 0);
        int rn = bits(insn, 9, 5);
        switch (bits(insn, 25, 23)) {
            case 0b000, 0b001 -> {
                long imm = (long) ((bits(insn, 23, 5) << 2 | bits(insn, 30, 29)) << 11) >> 11;
                return op("RegionOps", "setX", rd, sf ? (va & ~0xfffL) + (imm << 12) : va + imm);
            }
            case 0b010 -> {
                if (bit(insn, 23)) {
                    return null;
                }
                long imm = (long) bits(insn, 21, 10) << (bit(insn, 22) ? 12 : 0);
                return op("DataImmediate", "addSub", rd, rn, imm, sf, bit(insn, 30), bit(insn, 29));
            }
            case 0b100 -> {
                if (!sf && bit(insn, 22)) {
                    return null;
                }
                long imm = Bits.logicalImmediate(
                        bit(insn, 22) ? 1 : 0, bits(insn, 15, 10), bits(insn, 21, 16), sf ? 64 : 32);
                return imm == 0 ? null : op("DataImmediate", "logical", rd, rn, imm, sf, bits(insn, 30, 29));
            }
            case 0b101 -> {
                int opc = bits(insn, 30, 29);
                int hw = bits(insn, 22, 21);
                if (opc == 1 || (!sf && hw > 1)) {
                    return null;
                }
                return op("DataImmediate", "moveWide", rd, (long) bits(insn, 20, 5) << (16 * hw), opc, hw, sf);
            }
            case 0b110 -> {
                int opc = bits(insn, 30, 29);
                int width = sf ? 64 : 32;
                int immr = bits(insn, 21, 16);
                int imms = bits(insn, 15, 10);
                if (opc == 3 || bit(insn, 22) != sf || immr >= width || imms >= width) {
                    return null;
                }
                return op("DataImmediate", "bitfield", rd, rn, opc, sf, immr, imms);
            }
            default -> {
                return null;
            }
        }
    }

    private static Specialized register(int insn) {
        boolean sf = bit(insn, 31);
        int rd = bits(insn, 4, 0);
        int rn = bits(insn, 9, 5);
        int rm = bits(insn, 20, 16);
        if (!bit(insn, 28)) {
            int imm6 = bits(insn, 15, 10);
            if (!bit(insn, 24)) {
                if (!sf && imm6 >= 32) {
                    return null;
                }
                return op(
                        "DataRegister",
                        "logicalShifted",
                        rd,
                        rn,
                        rm,
                        sf,
                        bits(insn, 30, 29),
                        bits(insn, 23, 22),
                        imm6,
                        bit(insn, 21));
            }
            if (bit(insn, 21)) {
                int shift = bits(insn, 12, 10);
                if (bits(insn, 23, 22) != 0 || shift > 4) {
                    return null;
                }
                return op(
                        "DataRegister",
                        "addSubExtended",
                        rd,
                        rn,
                        rm,
                        sf,
                        bit(insn, 30),
                        bit(insn, 29),
                        bits(insn, 15, 13),
                        shift);
            }
            int type = bits(insn, 23, 22);
            if (type == 3 || (!sf && imm6 >= 32)) {
                return null;
            }
            return op("DataRegister", "addSubShifted", rd, rn, rm, sf, bit(insn, 30), bit(insn, 29), type, imm6);
        }
        int op2 = bits(insn, 24, 21);
        if (op2 >= 0b1000) {
            int op31 = bits(insn, 23, 21);
            boolean o0 = bit(insn, 15);
            if (bits(insn, 30, 29) != 0
                    || (op31 != 0 && !sf)
                    || op31 == 3
                    || op31 == 4
                    || op31 == 7
                    || ((op31 == 2 || op31 == 6) && o0)) {
                return null;
            }
            return op("DataSources", "multiply", rd, rn, rm, bits(insn, 14, 10), sf, op31, o0);
        }
        switch (op2) {
            case 0b0000 -> {
                if (bits(insn, 15, 10) != 0) {
                    return null;
                }
                return op("DataRegister", "addSubCarry", rd, rn, rm, sf, bit(insn, 30), bit(insn, 29));
            }
            case 0b0010 -> {
                if (!bit(insn, 29) || bit(insn, 10) || bit(insn, 4)) {
                    return null;
                }
                return op(
                        "DataRegister",
                        "conditionalCompare",
                        rn,
                        rm,
                        sf,
                        bits(insn, 15, 12),
                        bit(insn, 30),
                        bit(insn, 11),
                        bits(insn, 3, 0));
            }
            case 0b0100 -> {
                int kind = bits(insn, 11, 10);
                if (bit(insn, 29) || kind > 1) {
                    return null;
                }
                return op(
                        "DataRegister",
                        "conditionalSelect",
                        rd,
                        rn,
                        rm,
                        sf,
                        bits(insn, 15, 12),
                        (bit(insn, 30) ? 2 : 0) | kind);
            }
            default -> {
                return null;
            }
        }
    }

    // LoadStore's kinds.
    private static final int STORE = 0, LOAD_SIGNED_W = 3, PREFETCH = 4, NONE = 5;

    private static int kind(int size, int opc) {
        return switch (opc) {
            case 0 -> STORE;
            case 1 -> 1;
            case 2 -> size == 3 ? PREFETCH : 2;
            default -> size >= 2 ? NONE : LOAD_SIGNED_W;
        };
    }

    /** Load/store register pair (bits 29:27 = 101, V = 0). */
    private static Specialized pair(int insn) {
        int opc = bits(insn, 31, 30);
        boolean load = bit(insn, 22);
        int mode = bits(insn, 24, 23);
        if (opc == 3 || (opc == 1 && (!load || mode == 0))) {
            return null;
        }
        long offset = (long) (bits(insn, 21, 15) << 25 >> 25) * (opc == 2 ? 8 : 4);
        return access(
                "loadStorePair",
                !load,
                insn,
                opc,
                load,
                mode,
                bits(insn, 4, 0),
                bits(insn, 14, 10),
                bits(insn, 9, 5),
                offset);
    }

    /** Load/store register (bits 29:27 = 111, V = 0): immediate and register offsets. */
    private static Specialized loadStore(int insn) {
        int sizeBits = bits(insn, 31, 30);
        int kind = kind(sizeBits, bits(insn, 23, 22));
        if (kind == PREFETCH || kind == NONE) {
            return null;
        }
        int rn = bits(insn, 9, 5);
        int rt = bits(insn, 4, 0);
        boolean stores = kind == STORE;
        if (bit(insn, 24)) {
            long offset = (long) bits(insn, 21, 10) << sizeBits;
            return access("loadStore", stores, kind, sizeBits, rn, rt, offset, 0);
        }
        if (!bit(insn, 21)) {
            int mode = bits(insn, 11, 10);
            long imm9 = (long) (bits(insn, 20, 12) << 23) >> 23;
            if (mode == 2) {
                // LDTR, STTR: the kernel's copies to and from user memory are loops of them.
                return access("loadStoreUnprivileged", stores, kind, sizeBits, rn, rt, imm9);
            }
            return access("loadStore", stores, kind, sizeBits, rn, rt, imm9, mode);
        }
        int option = bits(insn, 15, 13);
        if (bits(insn, 11, 10) != 0b10 || (option & 0b010) == 0) {
            return null;
        }
        int shift = bit(insn, 12) ? sizeBits : 0;
        return access("loadStoreRegister", stores, kind, sizeBits, rn, rt, bits(insn, 20, 16), option, shift);
    }
}
