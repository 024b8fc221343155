package org.gunyah.vmm.hypervisor.emulated.translate;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.util.Set;

/**
 * The instructions a region does in its own bytecode, over the registers and flags in its locals
 * (see {@link Emitter}): the integer classes {@link Specialized} decodes, and its loads and stores
 * with an immediate or register offset when they hit the memory of the vCPU's last access, the
 * rest of them a call of the interpreter. Each form computes with {@code RegionOps}' pure
 * functions, the interpreter's own arithmetic, so that it does exactly what the interpreter does.
 */
final class Inline {
    private static final ClassDesc CD_OPS = ClassDesc.of("org.gunyah.vmm.hypervisor.emulated.cpu.RegionOps");
    private static final ClassDesc CD_ARITH = ClassDesc.of("org.gunyah.vmm.hypervisor.emulated.cpu.Arith");
    private static final Set<String> DATA = Set.of(
            "setX",
            "addSub",
            "logical",
            "moveWide",
            "bitfield",
            "logicalShifted",
            "addSubShifted",
            "addSubExtended",
            "addSubCarry",
            "conditionalSelect",
            "conditionalCompare",
            "multiply");
    // LoadStore's kinds.
    private static final int STORE = 0, LOAD = 1, LOAD_SIGNED_X = 2;

    private Inline() {}

    /** What an instruction's inline code reads and writes: registers one bit each, and NZCV. */
    record Use(int reads, int writes, boolean flagsRead, boolean flagsWritten) {
        static final Use NONE = new Use(0, 0, false, false);
    }

    private static int bit(int r) {
        return r == 31 ? 0 : 1 << r;
    }

    /** Every register an instruction's fields name (Rd/Rt, Rn, Rt2/Ra, Rm): what a call may touch. */
    static int named(int word) {
        return bit(word & 0x1f) | bit((word >>> 5) & 0x1f) | bit((word >>> 10) & 0x1f) | bit((word >>> 16) & 0x1f);
    }

    /** The operation of a STEP instruction done inline, or null. */
    private static Specialized inlined(Plan.Insn i) {
        if (i.kind() != Kind.STEP) {
            return null;
        }
        Specialized s = Specialized.of(i.word(), i.va());
        if (s == null) {
            return null;
        }
        if (DATA.contains(s.name())) {
            return s;
        }
        if (s.name().equals("loadStore")) {
            // A store that writes back to its own base is CONSTRAINED UNPREDICTABLE, and stores
            // different values with the MMU on and off: the interpreter does it.
            int kind = arg(s, 0), rn = arg(s, 2), rt = arg(s, 3), mode = arg(s, 5);
            return kind == STORE && mode != 0 && rn == rt && rn != 31 ? null : s;
        }
        return s.name().equals("loadStoreRegister") || s.name().equals("loadStorePair") ? s : null;
    }

    private static int arg(Specialized s, int k) {
        return ((Number) s.args().get(k)).intValue();
    }

    private static long longArg(Specialized s, int k) {
        return ((Number) s.args().get(k)).longValue();
    }

    private static boolean flag(Specialized s, int k) {
        return arg(s, k) != 0;
    }

    /** What {@code i}'s inline code (or, for branches, the region's own) reads and writes. */
    static Use use(Plan.Insn i) {
        int w = i.word();
        switch (i.kind()) {
            case B, STOP -> {
                return Use.NONE;
            }
            case BL -> {
                return new Use(0, bit(30), false, false);
            }
            case B_COND -> {
                return new Use(0, 0, true, false);
            }
            case CBZ, CBNZ, TBZ, TBNZ -> {
                return new Use(bit(w & 0x1f), 0, false, false);
            }
            case INDIRECT -> {
                return new Use(bit((w >>> 5) & 0x1f), ((w >>> 21) & 0xf) == 1 ? bit(30) : 0, false, false);
            }
            default -> {}
        }
        Specialized s = inlined(i);
        if (s == null) {
            return Use.NONE;
        }
        return switch (s.name()) {
            case "setX" -> new Use(0, bit(arg(s, 0)), false, false);
            case "addSub" -> new Use(bit(arg(s, 1)), bit(arg(s, 0)), false, flag(s, 5));
            case "logical" -> new Use(bit(arg(s, 1)), bit(arg(s, 0)), false, arg(s, 4) == 3);
            case "moveWide" -> new Use(arg(s, 2) == 3 ? bit(arg(s, 0)) : 0, bit(arg(s, 0)), false, false);
            case "bitfield" -> new Use(bit(arg(s, 1)) | bit(arg(s, 0)), bit(arg(s, 0)), false, false);
            case "logicalShifted" -> new Use(bit(arg(s, 1)) | bit(arg(s, 2)), bit(arg(s, 0)), false, arg(s, 4) == 3);
            case "addSubShifted", "addSubExtended" ->
                new Use(bit(arg(s, 1)) | bit(arg(s, 2)), bit(arg(s, 0)), false, flag(s, 5));
            case "addSubCarry" -> new Use(bit(arg(s, 1)) | bit(arg(s, 2)), bit(arg(s, 0)), true, flag(s, 5));
            case "conditionalSelect" -> new Use(bit(arg(s, 1)) | bit(arg(s, 2)), bit(arg(s, 0)), true, false);
            case "conditionalCompare" -> new Use(bit(arg(s, 0)) | (flag(s, 5) ? 0 : bit(arg(s, 1))), 0, true, true);
            case "multiply" -> new Use(bit(arg(s, 1)) | bit(arg(s, 2)) | bit(arg(s, 3)), bit(arg(s, 0)), false, false);
            case "loadStore" -> {
                int kind = arg(s, 0), rn = arg(s, 2), rt = arg(s, 3), mode = arg(s, 5);
                int wb = mode != 0 ? bit(rn) : 0;
                yield kind == STORE
                        ? new Use(bit(rn) | bit(rt), wb, false, false)
                        : new Use(bit(rn), bit(rt) | wb, false, false);
            }
            case "loadStorePair" -> {
                boolean load = flag(s, 2);
                int rt = arg(s, 4), rt2 = arg(s, 5), rn = arg(s, 6), mode = arg(s, 3);
                int wb = mode == 1 || mode == 3 ? bit(rn) : 0;
                yield load
                        ? new Use(bit(rn), bit(rt) | bit(rt2) | wb, false, false)
                        : new Use(bit(rn) | bit(rt) | bit(rt2), wb, false, false);
            }
            default -> { // loadStoreRegister
                int kind = arg(s, 0), rn = arg(s, 2), rt = arg(s, 3), rm = arg(s, 4);
                yield kind == STORE
                        ? new Use(bit(rn) | bit(rt) | bit(rm), 0, false, false)
                        : new Use(bit(rn) | bit(rm), bit(rt), false, false);
            }
        };
    }

    /** Emits {@code i} inline when it is a form done inline; false (nothing emitted) otherwise. */
    static boolean emit(Emitter.Body b, Plan.Insn i) {
        Specialized s = inlined(i);
        if (s == null) {
            return false;
        }
        CodeBuilder code = b.code;
        switch (s.name()) {
            case "setX" -> {
                code.loadConstant(longArg(s, 1));
                b.storeReg(arg(s, 0), true);
            }
            case "addSub" -> {
                int rd = arg(s, 0);
                boolean sf = flag(s, 3), flags = flag(s, 5);
                b.loadRegSp(arg(s, 1), sf);
                code.loadConstant(longArg(s, 2));
                addWithCarry(b, sf, flag(s, 4), flags, false);
                if (flags) {
                    b.storeReg(rd, sf);
                } else {
                    b.storeRegSp(rd, sf);
                }
            }
            case "logical" -> {
                int rd = arg(s, 0), opc = arg(s, 4);
                boolean sf = flag(s, 3);
                b.loadReg(arg(s, 1), sf);
                code.loadConstant(longArg(s, 2)).loadConstant(opc).invokestatic(CD_OPS, "logic", Emitter.MTD_LOGIC);
                if (opc == 3) {
                    logicFlags(b, rd, sf);
                } else {
                    b.storeRegSp(rd, sf);
                }
            }
            case "moveWide" -> {
                int rd = arg(s, 0), opc = arg(s, 2), hw = arg(s, 3);
                long imm = longArg(s, 1);
                boolean sf = flag(s, 4);
                if (opc == 0) {
                    code.loadConstant(~imm);
                } else if (opc == 2) {
                    code.loadConstant(imm);
                } else {
                    b.loadReg(rd, true);
                    code.loadConstant(~(0xffffL << (16 * hw)))
                            .land()
                            .loadConstant(imm)
                            .lor();
                }
                b.storeReg(rd, sf);
            }
            case "bitfield" -> {
                int rd = arg(s, 0);
                boolean sf = flag(s, 3);
                b.loadReg(arg(s, 1), sf);
                b.loadReg(rd, sf);
                code.loadConstant(arg(s, 2))
                        .loadConstant(s.args().get(3))
                        .loadConstant(arg(s, 4))
                        .loadConstant(arg(s, 5))
                        .invokestatic(CD_OPS, "bitfield", Emitter.MTD_BITFIELD);
                b.storeReg(rd, sf);
            }
            case "logicalShifted" -> {
                int rd = arg(s, 0), opc = arg(s, 4);
                boolean sf = flag(s, 3);
                b.loadReg(arg(s, 1), sf);
                shifted(b, arg(s, 2), sf, arg(s, 5), arg(s, 6));
                if (flag(s, 7)) {
                    code.loadConstant(-1L).lxor();
                }
                code.loadConstant(opc).invokestatic(CD_OPS, "logic", Emitter.MTD_LOGIC);
                if (opc == 3) {
                    logicFlags(b, rd, sf);
                } else {
                    b.storeReg(rd, sf);
                }
            }
            case "addSubShifted" -> {
                boolean sf = flag(s, 3);
                b.loadReg(arg(s, 1), sf);
                shifted(b, arg(s, 2), sf, arg(s, 6), arg(s, 7));
                addWithCarry(b, sf, flag(s, 4), flag(s, 5), false);
                b.storeReg(arg(s, 0), sf);
            }
            case "addSubExtended" -> {
                int rd = arg(s, 0);
                boolean sf = flag(s, 3), flags = flag(s, 5);
                b.loadRegSp(arg(s, 1), sf);
                b.loadReg(arg(s, 2), true);
                code.loadConstant(arg(s, 6))
                        .loadConstant(arg(s, 7))
                        .invokestatic(CD_ARITH, "extend", Emitter.MTD_EXTEND);
                addWithCarry(b, sf, flag(s, 4), flags, false);
                if (flags) {
                    b.storeReg(rd, sf);
                } else {
                    b.storeRegSp(rd, sf);
                }
            }
            case "addSubCarry" -> {
                boolean sf = flag(s, 3);
                b.loadReg(arg(s, 1), sf);
                b.loadReg(arg(s, 2), sf);
                addWithCarry(b, sf, flag(s, 4), flag(s, 5), true);
                b.storeReg(arg(s, 0), sf);
            }
            case "conditionalSelect" -> {
                boolean sf = flag(s, 3);
                b.condition(arg(s, 4));
                b.loadReg(arg(s, 1), sf);
                b.loadReg(arg(s, 2), sf);
                code.loadConstant(arg(s, 5)).invokestatic(CD_OPS, "select", Emitter.MTD_SELECT);
                b.storeReg(arg(s, 0), sf);
            }
            case "conditionalCompare" -> {
                int rm = arg(s, 1), nzcv = arg(s, 6);
                boolean sf = flag(s, 2), immediate = flag(s, 5);
                Label fails = code.newLabel();
                Label done = code.newLabel();
                b.condition(arg(s, 3));
                code.ifeq(fails);
                b.loadReg(arg(s, 0), sf);
                if (immediate) {
                    code.loadConstant((long) rm);
                } else {
                    b.loadReg(rm, sf);
                }
                addWithCarry(b, sf, flag(s, 4), true, false);
                code.pop2().goto_(done);
                code.labelBinding(fails);
                code.loadConstant(nzcv >> 3 & 1).istore(Emitter.FLAG_N);
                code.loadConstant(nzcv >> 2 & 1).istore(Emitter.FLAG_Z);
                code.loadConstant(nzcv >> 1 & 1).istore(Emitter.FLAG_C);
                code.loadConstant(nzcv & 1).istore(Emitter.FLAG_V);
                code.labelBinding(done);
            }
            case "multiply" -> {
                boolean sf = flag(s, 4);
                b.loadReg(arg(s, 1), true);
                b.loadReg(arg(s, 2), true);
                b.loadReg(arg(s, 3), true);
                code.loadConstant(s.args().get(4))
                        .loadConstant(arg(s, 5))
                        .loadConstant(s.args().get(6))
                        .invokestatic(CD_OPS, "multiply", Emitter.MTD_MULTIPLY);
                b.storeReg(arg(s, 0), sf);
            }
            case "loadStorePair" -> pair(b, i, s);
            default -> access(b, i, s);
        }
        return true;
    }

    /** Pushes X{@code rm} (of the width) shifted as the shifted-register forms say. */
    private static void shifted(Emitter.Body b, int rm, boolean sf, int type, int amount) {
        b.loadReg(rm, sf);
        b.code.loadConstant(type)
                .loadConstant(amount)
                .loadConstant(sf ? 1 : 0)
                .invokestatic(CD_ARITH, "shift", Emitter.MTD_SHIFT);
    }

    /**
     * With a and b on the stack: pushes a + b + carry (a - b for {@code sub}; the carry is C when
     * {@code withCarry}, else 0, or 1 for {@code sub}), setting the NZCV locals when {@code flags}.
     */
    private static void addWithCarry(Emitter.Body b, boolean sf, boolean sub, boolean flags, boolean withCarry) {
        CodeBuilder code = b.code;
        if (sub) {
            code.loadConstant(-1L).lxor();
        }
        code.lstore(Emitter.TB).lstore(Emitter.TA);
        Runnable operands = () -> {
            code.lload(Emitter.TA).lload(Emitter.TB);
            if (withCarry) {
                code.iload(Emitter.FLAG_C);
            } else {
                code.loadConstant(sub ? 1 : 0);
            }
            code.loadConstant(sf ? 1 : 0);
        };
        operands.run();
        code.invokestatic(CD_OPS, "add", Emitter.MTD_ADD);
        if (flags) {
            code.lstore(Emitter.TR);
            // Both from the carry in, before C is written.
            operands.run();
            code.invokestatic(CD_OPS, "addC", Emitter.MTD_ADD_FLAG);
            operands.run();
            code.invokestatic(CD_OPS, "addV", Emitter.MTD_ADD_FLAG);
            code.istore(Emitter.FLAG_V).istore(Emitter.FLAG_C);
            code.lload(Emitter.TR);
            resultFlags(b, sf);
        }
    }

    /** With a result on the stack (kept): sets N and Z from it. */
    private static void resultFlags(Emitter.Body b, boolean sf) {
        CodeBuilder code = b.code;
        code.dup2().loadConstant(sf ? 1 : 0).invokestatic(CD_OPS, "negative", Emitter.MTD_RESULT_FLAG);
        code.istore(Emitter.FLAG_N);
        code.dup2().loadConstant(sf ? 1 : 0).invokestatic(CD_OPS, "zero", Emitter.MTD_RESULT_FLAG);
        code.istore(Emitter.FLAG_Z);
    }

    /** With the result of ANDS, BICS on the stack: into X{@code rd}, NZ from it, C and V clear. */
    private static void logicFlags(Emitter.Body b, int rd, boolean sf) {
        resultFlags(b, sf);
        b.code.iconst_0().istore(Emitter.FLAG_C).iconst_0().istore(Emitter.FLAG_V);
        b.storeReg(rd, sf);
    }

    /**
     * An immediate-offset address: TR = Rn (or SP) + {@code offset}, the writeback value; TA = the
     * address, the base for post-index ({@code mode} 1), else TR.
     */
    private static void immediateAddress(Emitter.Body b, int rn, long offset, int mode) {
        CodeBuilder code = b.code;
        b.loadRegSp(rn, true);
        code.loadConstant(offset).ladd().lstore(Emitter.TR);
        if (mode == 1) {
            b.loadRegSp(rn, true);
            code.lstore(Emitter.TA);
        } else {
            code.lload(Emitter.TR).lstore(Emitter.TA);
        }
    }

    /**
     * MEMORY = the vCPU's memory holding {@code size} bytes at TA for a load (or store), or a jump
     * to {@code slow} when no recent page does; then SP's alignment when it is the base.
     */
    private static void fastMemory(Emitter.Body b, int size, boolean load, int rn, Label slow) {
        CodeBuilder code = b.code;
        code.aload(Emitter.CPU)
                .lload(Emitter.TA)
                .loadConstant(size)
                .loadConstant(load ? 1 : 0)
                .invokestatic(CD_OPS, "fastMemory", Emitter.MTD_FAST_MEMORY)
                .dup()
                .astore(Emitter.MEMORY)
                .ifnull(slow);
        if (rn == 31) {
            code.aload(Emitter.CPU).invokestatic(CD_OPS, "checkSp", Emitter.MTD_CHECK_SP);
        }
    }

    /**
     * A load or store pair (LDP, STP, LDPSW, LDNP, STNP) inline when the memory of the vCPU's last
     * access holds both, as {@code LoadStorePair.transfer} does it: SP alignment, the values to
     * store read before the writeback, the writeback, then Rt and Rt2 loaded in that order.
     */
    private static void pair(Emitter.Body b, Plan.Insn i, Specialized s) {
        CodeBuilder code = b.code;
        int opc = arg(s, 1), mode = arg(s, 3), rt = arg(s, 4), rt2 = arg(s, 5), rn = arg(s, 6);
        boolean load = flag(s, 2);
        int sizeBits = opc == 2 ? 3 : 2;
        int kind = opc == 1 ? LOAD_SIGNED_X : LOAD;
        code.loadConstant(i.va()).lstore(Emitter.AT);
        immediateAddress(b, rn, longArg(s, 7), mode);
        Label slow = code.newLabel();
        Label done = code.newLabel();
        fastMemory(b, 2 << sizeBits, load, rn, slow);
        if (!load) {
            b.loadReg(rt, true);
            code.lstore(Emitter.TB);
            b.loadReg(rt2, true);
            code.lstore(Emitter.TC);
        }
        if (mode == 1 || mode == 3) {
            code.lload(Emitter.TR);
            b.storeRegSp(rn, true);
        }
        for (int k = 0; k < 2; k++) {
            code.aload(Emitter.CPU).aload(Emitter.MEMORY).lload(Emitter.TA);
            if (k == 1) {
                code.loadConstant((long) (1 << sizeBits)).ladd();
            }
            code.loadConstant(sizeBits);
            if (load) {
                code.loadConstant(kind).invokestatic(CD_OPS, "fastLoad", Emitter.MTD_FAST_LOAD);
                b.storeReg(k == 0 ? rt : rt2, true);
            } else {
                code.lload(k == 0 ? Emitter.TB : Emitter.TC).invokestatic(CD_OPS, "fastStore", Emitter.MTD_FAST_STORE);
            }
        }
        code.labelBinding(done);
        slowPath(b, i, s, slow, done);
        if (!load) {
            b.staleAfter(i);
        }
    }

    /** The interpreter's operation for what the fast path did not do, back at {@code done}. */
    private static void slowPath(Emitter.Body b, Plan.Insn i, Specialized s, Label slow, Label done) {
        CodeBuilder code = b.code;
        b.outOfLine(() -> {
            code.labelBinding(slow);
            b.call(Inline.named(i.word()), false, true, () -> {
                code.aload(Emitter.CPU).loadConstant(i.va());
                for (ConstantDesc arg : s.args()) {
                    code.loadConstant(arg);
                }
                code.invokestatic(s.ownerDesc(), s.name(), s.type());
            });
            code.goto_(done);
        });
    }

    /**
     * A load or store register (immediate or register offset): the access inline when the memory of
     * the vCPU's last access holds it, else the interpreter's operation (which may fault or exit).
     * The order is the interpreter's: SP alignment, the writeback, then the register loaded.
     */
    private static void access(Emitter.Body b, Plan.Insn i, Specialized s) {
        CodeBuilder code = b.code;
        boolean register = s.name().equals("loadStoreRegister");
        int kind = arg(s, 0), sizeBits = arg(s, 1), rn = arg(s, 2), rt = arg(s, 3);
        int mode = register ? 0 : arg(s, 5);
        boolean load = kind != STORE;
        code.loadConstant(i.va()).lstore(Emitter.AT);
        if (register) {
            b.loadRegSp(rn, true);
            b.loadReg(arg(s, 4), true);
            code.loadConstant(arg(s, 5))
                    .loadConstant(arg(s, 6))
                    .invokestatic(CD_ARITH, "extend", Emitter.MTD_EXTEND)
                    .ladd()
                    .lstore(Emitter.TA);
        } else {
            immediateAddress(b, rn, longArg(s, 4), mode);
        }
        Label slow = code.newLabel();
        Label done = code.newLabel();
        fastMemory(b, 1 << sizeBits, load, rn, slow);
        if (!load) {
            b.loadReg(rt, true);
            code.lstore(Emitter.TB);
        }
        if (mode != 0) {
            code.lload(Emitter.TR);
            b.storeRegSp(rn, true);
        }
        if (load) {
            code.aload(Emitter.CPU)
                    .aload(Emitter.MEMORY)
                    .lload(Emitter.TA)
                    .loadConstant(sizeBits)
                    .loadConstant(kind)
                    .invokestatic(CD_OPS, "fastLoad", Emitter.MTD_FAST_LOAD);
            b.storeReg(rt, true);
        } else {
            code.aload(Emitter.CPU)
                    .aload(Emitter.MEMORY)
                    .lload(Emitter.TA)
                    .loadConstant(sizeBits)
                    .lload(Emitter.TB)
                    .invokestatic(CD_OPS, "fastStore", Emitter.MTD_FAST_STORE);
        }
        code.labelBinding(done);
        slowPath(b, i, s, slow, done);
        if (!load) {
            b.staleAfter(i);
        }
    }
}
