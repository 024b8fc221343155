package org.gunyah.vmm.hypervisor.emulated.translate;

import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the class of a {@link Plan}: a {@link Region} whose {@code run} is the region's control
 * flow as JVM branches between the instructions, each instruction a call of the interpreter's
 * code for it (the operation of its encoding with the fields decoded, {@link Specialized}, or else
 * the decoder with the instruction word as a constant). Translated inline (a loop that ran long),
 * the guest registers its code uses live in JVM locals (loaded at entry, written back at its exits
 * and around every call of the interpreter that may read or write them), and so do NZCV, so that
 * C2 keeps them in host registers; the common integer instructions and the loads and stores that
 * hit the vCPU's last page (or RAM region) are then bytecode over those locals ({@link Inline}). The generated class lives in the vCPU's package (the helpers
 * it calls, {@code RegionOps}, are that package's).
 */
final class Emitter {
    private static final String CPU_PACKAGE = "org.gunyah.vmm.hypervisor.emulated.cpu.";
    private static final ClassDesc CD_CPU = ClassDesc.of(CPU_PACKAGE + "A64Cpu");
    private static final ClassDesc CD_EXIT = ClassDesc.of(CPU_PACKAGE + "Exit");
    private static final ClassDesc CD_OPS = ClassDesc.of(CPU_PACKAGE + "RegionOps");
    private static final ClassDesc CD_REGION = ClassDesc.of(Region.class.getName());
    private static final ClassDesc CD_RUNTIME_EXCEPTION = ClassDesc.of(RuntimeException.class.getName());
    private static final ClassDesc CD_SEGMENT = ClassDesc.of(MemorySegment.class.getName());
    private static final ClassDesc CD_LONGS = CD_long.arrayType();
    static final ClassDesc GENERATED = ClassDesc.of(CPU_PACKAGE + "TranslatedRegion");
    static final MethodTypeDesc MTD_INIT = MethodTypeDesc.of(CD_void, CD_long, CD_long, CD_int);

    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_EXIT, CD_CPU, CD_long);
    private static final MethodTypeDesc MTD_STEP = MethodTypeDesc.of(CD_EXIT, CD_CPU, CD_long, CD_int);
    private static final MethodTypeDesc MTD_LEAVE_EXIT = MethodTypeDesc.of(CD_EXIT, CD_CPU, CD_int, CD_EXIT);
    private static final MethodTypeDesc MTD_LEAVE_AT = MethodTypeDesc.of(CD_EXIT, CD_CPU, CD_int, CD_long);
    private static final MethodTypeDesc MTD_VALID = MethodTypeDesc.of(CD_boolean);
    private static final ClassDesc CD_MATH = ClassDesc.of(Math.class.getName());
    private static final MethodTypeDesc MTD_MIN = MethodTypeDesc.of(CD_long, CD_long, CD_long);
    private static final MethodTypeDesc MTD_FAULT =
            MethodTypeDesc.of(CD_EXIT, CD_RUNTIME_EXCEPTION, CD_CPU, CD_long, CD_int, CD_REGION);
    private static final MethodTypeDesc MTD_IRQ_OPEN = MethodTypeDesc.of(CD_boolean, CD_CPU);
    private static final MethodTypeDesc MTD_MUST_STOP =
            MethodTypeDesc.of(CD_boolean, CD_CPU, CD_int, CD_int, CD_boolean);
    static final MethodTypeDesc MTD_SP = MethodTypeDesc.of(CD_long, CD_CPU);
    static final MethodTypeDesc MTD_SET_SP = MethodTypeDesc.of(CD_void, CD_CPU, CD_long);
    static final MethodTypeDesc MTD_CHECK_SP = MethodTypeDesc.of(CD_void, CD_CPU);
    static final MethodTypeDesc MTD_ADD = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_boolean, CD_boolean);
    static final MethodTypeDesc MTD_ADD_FLAG = MethodTypeDesc.of(CD_boolean, CD_long, CD_long, CD_boolean, CD_boolean);
    static final MethodTypeDesc MTD_RESULT_FLAG = MethodTypeDesc.of(CD_boolean, CD_long, CD_boolean);
    static final MethodTypeDesc MTD_HOLDS =
            MethodTypeDesc.of(CD_boolean, CD_int, CD_boolean, CD_boolean, CD_boolean, CD_boolean);
    static final MethodTypeDesc MTD_LOGIC = MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int);
    static final MethodTypeDesc MTD_SHIFT = MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_int, CD_boolean);
    static final MethodTypeDesc MTD_EXTEND = MethodTypeDesc.of(CD_long, CD_long, CD_int, CD_int);
    static final MethodTypeDesc MTD_BITFIELD =
            MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_int, CD_boolean, CD_int, CD_int);
    static final MethodTypeDesc MTD_SELECT = MethodTypeDesc.of(CD_long, CD_boolean, CD_long, CD_long, CD_int);
    static final MethodTypeDesc MTD_MULTIPLY =
            MethodTypeDesc.of(CD_long, CD_long, CD_long, CD_long, CD_boolean, CD_int, CD_boolean);
    static final MethodTypeDesc MTD_FAST_MEMORY = MethodTypeDesc.of(CD_SEGMENT, CD_CPU, CD_long, CD_int, CD_boolean);
    static final MethodTypeDesc MTD_FAST_LOAD = MethodTypeDesc.of(CD_long, CD_CPU, CD_SEGMENT, CD_long, CD_int, CD_int);
    static final MethodTypeDesc MTD_FAST_STORE =
            MethodTypeDesc.of(CD_void, CD_CPU, CD_SEGMENT, CD_long, CD_int, CD_long);

    // The locals of run: this, cpu, limit, then ours.
    static final int CPU = 1;
    private static final int N = 4; // instructions done (int)
    static final int AT = 5; // the instruction that may fault (long)
    private static final int ROOM = 7; // past it, a backward branch leaves (int)
    private static final int IRQ_OPEN = 8; // whether interrupts are unmasked (int)
    private static final int EXIT = 9; // a STEP's exit (reference)
    private static final int TARGET = 10; // where the region leaves to (long)
    static final int TA = 12; // operands and results within one instruction (long)
    static final int TB = 14;
    static final int TR = 16;
    static final int FLAG_N = 18; // NZCV (int, 0 or 1)
    static final int FLAG_Z = 19;
    static final int FLAG_C = 20;
    static final int FLAG_V = 21;
    static final int MEMORY = 22; // the memory of a fast load or store (reference)
    static final int TC = 23;
    private static final int WHY = 25; // why the region leaves: LEAVE, EXITS or FAULT (int)
    private static final int THROWN = 26; // what a fault threw (reference)
    private static final int X0 = 27; // X0..X30 (long each)
    private static final int LEAVE = 0, EXITS = 1, FAULT = 2;

    private Emitter() {}

    static int local(int r) {
        return X0 + 2 * r;
    }

    /** The class of {@code plan}; with {@code inline}, a loop holds the registers in locals. */
    static byte[] emit(Plan plan, ClassLoader loader, boolean inline) {
        ClassFile cf =
                ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(ClassHierarchyResolver.ofClassLoading(loader)));
        return cf.build(GENERATED, cb -> {
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SUPER, AccessFlag.SYNTHETIC);
            cb.withSuperclass(CD_REGION);
            cb.withMethodBody(
                    INIT_NAME,
                    MTD_INIT,
                    ClassFile.ACC_PUBLIC,
                    code -> code.aload(0)
                            .lload(1)
                            .lload(3)
                            .iload(5)
                            .invokespecial(CD_REGION, INIT_NAME, MTD_INIT)
                            .return_());
            cb.withMethodBody(
                    "run",
                    MTD_RUN,
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    code -> new Body(plan, code, inline).emit());
        });
    }

    /**
     * What a region's inline code holds in locals: the registers it reads or writes ({@code used},
     * one bit each, never 31), those it writes ({@code dirty}), and whether it reads or writes NZCV.
     */
    record Locals(int used, int dirty, boolean flags, boolean flagsDirty) {
        static final Locals NONE = new Locals(0, 0, false, false);

        /**
         * Those of an {@code inline} region that loops (a branch back to one of its instructions),
         * or none: loading the registers at entry and storing them at exit pays where the loop
         * runs them many times over; elsewhere the code calls the interpreter's operations on the
         * vCPU's registers.
         */
        static Locals of(Plan plan, boolean inline) {
            if (!inline || !loops(plan)) {
                return NONE;
            }
            int used = 0;
            int dirty = 0;
            boolean flags = false;
            boolean flagsDirty = false;
            for (Plan.Insn i : plan.order()) {
                Inline.Use u = Inline.use(i);
                used |= u.reads() | u.writes();
                dirty |= u.writes();
                flags |= u.flagsRead() || u.flagsWritten();
                flagsDirty |= u.flagsWritten();
            }
            int real = (1 << 31) - 1; // not XZR or SP
            return new Locals(used & real, dirty & real, flags, flagsDirty);
        }

        static boolean loops(Plan plan) {
            for (Plan.Insn i : plan.order()) {
                boolean direct = switch (i.kind()) {
                    case B, BL, B_COND, CBZ, CBNZ, TBZ, TBNZ -> true;
                    default -> false;
                };
                if (direct && i.target() <= i.va() && plan.contains(i.target())) {
                    return true;
                }
            }
            return false;
        }

        /** Whether the region does its instructions inline, over locals. */
        boolean inline() {
            return this != NONE;
        }
    }

    static final class Body {
        final Plan plan;
        final CodeBuilder code;
        final Locals locals;
        private final Map<Long, Label> labels = new HashMap<>();
        private final List<Runnable> outOfLine = new ArrayList<>();
        private Label exitWithResult;
        private Label leaveToTarget;
        private Label stopAtTarget;

        Body(Plan plan, CodeBuilder code, boolean inline) {
            this.plan = plan;
            this.code = code;
            this.locals = Locals.of(plan, inline);
        }

        void emit() {
            for (Plan.Insn i : plan.order()) {
                labels.put(i.va(), code.newLabel());
            }
            exitWithResult = code.newLabel();
            leaveToTarget = code.newLabel();
            stopAtTarget = code.newLabel();
            code.iconst_0().istore(N);
            code.loadConstant(plan.head()).lstore(AT);
            // A run never counts past Integer.MAX_VALUE: room is at most that less maxRun.
            code.lload(2).loadConstant((long) Integer.MAX_VALUE).invokestatic(CD_MATH, "min", MTD_MIN);
            code.l2i().loadConstant(plan.instructions()).isub().istore(ROOM);
            code.aload(CPU).invokestatic(CD_OPS, "irqOpen", MTD_IRQ_OPEN).istore(IRQ_OPEN);
            code.lconst_0().lstore(TARGET);
            code.aconst_null().astore(EXIT).aconst_null().astore(THROWN);
            reload(locals.used, locals.flags);
            Label start = code.newBoundLabel();
            List<Plan.Insn> order = plan.order();
            for (int k = 0; k < order.size(); k++) {
                Plan.Insn i = order.get(k);
                Plan.Insn next = k + 1 < order.size() ? order.get(k + 1) : null;
                code.labelBinding(labels.get(i.va()));
                instruction(i);
                if (fallsThrough(i.kind()) && (next == null || next.va() != i.va() + 4)) {
                    jump(i.va(), i.va() + 4);
                }
            }
            // Slow paths.
            for (int k = 0; k < outOfLine.size(); k++) {
                outOfLine.get(k).run();
            }
            // Every exit writes the registers back, in one place, then leaves as WHY says: with an
            // instruction's exit (in EXIT), to TARGET, or taking a fault.
            Label writeAll = code.newLabel();
            code.labelBinding(exitWithResult);
            code.loadConstant(EXITS).istore(WHY).goto_(writeAll);
            code.labelBinding(stopAtTarget);
            code.aload(CPU).iconst_1().putfield(CD_CPU, "stoppedBefore", CD_boolean);
            code.labelBinding(leaveToTarget);
            code.loadConstant(LEAVE).istore(WHY).goto_(writeAll);
            Label end = code.newBoundLabel();
            code.exceptionCatch(start, end, end, CD_RUNTIME_EXCEPTION);
            // A fault: what threw changed nothing (faults are precise), so the locals hold the
            // registers as they were before the instruction at AT.
            code.astore(THROWN).loadConstant(FAULT).istore(WHY);
            code.labelBinding(writeAll);
            writeBack(locals.dirty, locals.flagsDirty);
            Label leaving = code.newLabel();
            Label exiting = code.newLabel();
            code.iload(WHY).ifeq(leaving);
            code.iload(WHY).loadConstant(EXITS).if_icmpeq(exiting);
            code.aload(THROWN)
                    .aload(CPU)
                    .lload(AT)
                    .iload(N)
                    .aload(0)
                    .invokestatic(CD_OPS, "fault", MTD_FAULT)
                    .areturn();
            code.labelBinding(leaving);
            code.aload(CPU)
                    .iload(N)
                    .lload(TARGET)
                    .invokestatic(CD_OPS, "leave", MTD_LEAVE_AT)
                    .areturn();
            code.labelBinding(exiting);
            code.aload(CPU).iload(N).aload(EXIT).invokestatic(CD_OPS, "leave", MTD_LEAVE_EXIT);
            code.areturn();
        }

        void outOfLine(Runnable r) {
            outOfLine.add(r);
        }

        /** Loads the registers of {@code regs} and NZCV (when {@code flags}) from the vCPU. */
        void reload(int regs, boolean flags) {
            regs &= locals.used;
            for (int r = 0; r < 31; r++) {
                if ((regs & 1 << r) != 0) {
                    code.aload(CPU)
                            .getfield(CD_CPU, "x", CD_LONGS)
                            .loadConstant(r)
                            .laload()
                            .lstore(local(r));
                }
            }
            if (flags && locals.flags) {
                for (String f : new String[] {"n", "z", "c", "v"}) {
                    code.aload(CPU).getfield(CD_CPU, f, CD_boolean).istore(flagLocal(f));
                }
            }
        }

        /** Stores the registers of {@code regs} that inline code may have changed, and NZCV, to the vCPU. */
        void writeBack(int regs, boolean flags) {
            regs &= locals.dirty;
            for (int r = 0; r < 31; r++) {
                if ((regs & 1 << r) != 0) {
                    code.aload(CPU)
                            .getfield(CD_CPU, "x", CD_LONGS)
                            .loadConstant(r)
                            .lload(local(r))
                            .lastore();
                }
            }
            if (flags && locals.flagsDirty) {
                for (String f : new String[] {"n", "z", "c", "v"}) {
                    code.aload(CPU).iload(flagLocal(f)).putfield(CD_CPU, f, CD_boolean);
                }
            }
        }

        private static int flagLocal(String f) {
            return switch (f) {
                case "n" -> FLAG_N;
                case "z" -> FLAG_Z;
                case "c" -> FLAG_C;
                default -> FLAG_V;
            };
        }

        /**
         * A call of the interpreter that may read and write the registers of {@code regs} (and
         * NZCV when {@code flags}), emitted by {@code call}, leaving an Exit or null on the stack
         * when {@code exits}: the vCPU gets those registers first and the locals take them back
         * after; with an exit, the vCPU gets the rest and the region leaves.
         */
        void call(int regs, boolean flags, boolean exits, Runnable call) {
            writeBack(regs, flags);
            call.run();
            if (exits) {
                code.astore(EXIT);
            }
            reload(regs, flags);
            if (exits) {
                code.aload(EXIT).ifnonnull(exitWithResult);
            }
        }

        private static boolean fallsThrough(Kind kind) {
            return switch (kind) {
                case STEP, B_COND, CBZ, CBNZ, TBZ, TBNZ -> true;
                default -> false;
            };
        }

        private void count() {
            code.iinc(N, 1);
        }

        /** Pushes X{@code r} (XZR for 31), its low 32 bits zero-extended unless {@code sf}. */
        void loadReg(int r, boolean sf) {
            if (r == 31) {
                code.lconst_0();
                return;
            }
            if ((locals.used & 1 << r) != 0) {
                code.lload(local(r));
            } else {
                code.aload(CPU).getfield(CD_CPU, "x", CD_LONGS).loadConstant(r).laload();
            }
            if (!sf) {
                code.loadConstant(0xffff_ffffL).land();
            }
        }

        /** Pushes X{@code r}, or SP for 31. */
        void loadRegSp(int r, boolean sf) {
            if (r != 31) {
                loadReg(r, sf);
                return;
            }
            code.aload(CPU).invokestatic(CD_OPS, "sp", MTD_SP);
            if (!sf) {
                code.loadConstant(0xffff_ffffL).land();
            }
        }

        /** Pops a value into X{@code r} (dropped for XZR), zero-extended from 32 bits unless {@code sf}. */
        void storeReg(int r, boolean sf) {
            if (r == 31) {
                code.pop2();
                return;
            }
            if (!sf) {
                code.loadConstant(0xffff_ffffL).land();
            }
            if ((locals.used & 1 << r) != 0) {
                code.lstore(local(r));
            } else {
                code.lstore(TR)
                        .aload(CPU)
                        .getfield(CD_CPU, "x", CD_LONGS)
                        .loadConstant(r)
                        .lload(TR)
                        .lastore();
            }
        }

        /** Pops a value into X{@code r}, or SP for 31. */
        void storeRegSp(int r, boolean sf) {
            if (r != 31) {
                storeReg(r, sf);
                return;
            }
            if (!sf) {
                code.loadConstant(0xffff_ffffL).land();
            }
            code.lstore(TR).aload(CPU).lload(TR).invokestatic(CD_OPS, "setSp", MTD_SET_SP);
        }

        /** Pushes whether condition {@code cond} holds on NZCV (an int, 0 or 1). */
        void condition(int cond) {
            code.loadConstant(cond);
            if (locals.flags) {
                code.iload(FLAG_N).iload(FLAG_Z).iload(FLAG_C).iload(FLAG_V);
            } else {
                for (String f : new String[] {"n", "z", "c", "v"}) {
                    code.aload(CPU).getfield(CD_CPU, f, CD_boolean);
                }
            }
            code.invokestatic(CD_OPS, "holds", MTD_HOLDS);
        }

        private void instruction(Plan.Insn i) {
            switch (i.kind()) {
                case STEP -> {
                    count();
                    if (locals.inline() && Inline.emit(this, i)) {
                        return;
                    }
                    Specialized special = Specialized.of(i.word(), i.va());
                    if (special != null) {
                        specialized(i, special);
                        return;
                    }
                    code.loadConstant(i.va()).lstore(AT);
                    // What it may touch: the registers its fields name, and the next of each (CASP).
                    int named = Inline.named(i.word());
                    call(
                            named | named << 1,
                            true,
                            true,
                            () -> code.aload(CPU)
                                    .loadConstant(i.va())
                                    .loadConstant(i.word())
                                    .invokestatic(CD_OPS, "step", MTD_STEP));
                    if (Kind.accessesMemory(i.word())) {
                        staleAfter(i);
                    }
                }
                case B -> {
                    count();
                    jump(i.va(), i.target());
                }
                case BL -> {
                    count();
                    code.loadConstant(i.va() + 4);
                    storeReg(30, true);
                    jump(i.va(), i.target());
                }
                case B_COND -> {
                    count();
                    condition(i.word() & 0xf);
                    conditional(i, false);
                }
                case CBZ, CBNZ -> {
                    count();
                    loadReg(i.word() & 0x1f, (i.word() >>> 31) != 0);
                    code.lconst_0().lcmp(); // 0 when zero
                    conditional(i, i.kind() == Kind.CBZ);
                }
                case TBZ, TBNZ -> {
                    count();
                    int bit = (i.word() >>> 31) << 5 | (i.word() >>> 19) & 0x1f;
                    loadReg(i.word() & 0x1f, true);
                    code.loadConstant(bit).lushr().l2i().iconst_1().iand(); // the bit
                    conditional(i, i.kind() == Kind.TBZ);
                }
                case INDIRECT -> {
                    count();
                    loadReg((i.word() >>> 5) & 0x1f, true);
                    code.lstore(TARGET);
                    if (((i.word() >>> 21) & 0xf) == 1) {
                        code.loadConstant(i.va() + 4);
                        storeReg(30, true);
                    }
                    code.goto_(leaveToTarget);
                }
                case STOP -> code.loadConstant(i.va()).lstore(TARGET).goto_(stopAtTarget);
            }
        }

        /** A call of the operation {@code s}: it may read and write any register its fields name. */
        private void specialized(Plan.Insn i, Specialized s) {
            if (s.withPc()) {
                code.loadConstant(i.va()).lstore(AT);
            }
            call(Inline.named(i.word()), !s.memory(), s.exits(), () -> {
                code.aload(CPU);
                if (s.withPc()) {
                    code.loadConstant(i.va());
                }
                for (var arg : s.args()) {
                    code.loadConstant(arg);
                }
                code.invokestatic(s.ownerDesc(), s.name(), s.type());
            });
            if (s.stores()) {
                staleAfter(i);
            }
        }

        /** After an instruction that may have written this region's own code: what follows is stale. */
        void staleAfter(Plan.Insn i) {
            Label valid = code.newLabel();
            code.aload(0).invokevirtual(CD_REGION, "valid", MTD_VALID).ifne(valid);
            leave(i.va() + 4);
            code.labelBinding(valid);
        }

        /**
         * With an int on the stack: taken when it is non-zero, or when it is zero if {@code
         * whenZero}; the fall-through is left to the caller.
         */
        private void conditional(Plan.Insn i, boolean whenZero) {
            Label notTaken = code.newLabel();
            if (whenZero) {
                code.ifne(notTaken);
            } else {
                code.ifeq(notTaken);
            }
            jump(i.va(), i.target());
            code.labelBinding(notTaken);
        }

        /** Control goes from the instruction at {@code from} to {@code target}. */
        private void jump(long from, long target) {
            Label to = labels.get(target);
            if (to == null) {
                leave(target);
                return;
            }
            if (target <= from) {
                // A backward branch: where every loop passes, the limit and interrupts are checked.
                Label out = code.newLabel();
                code.aload(CPU).iload(N).iload(ROOM).iload(IRQ_OPEN);
                code.invokestatic(CD_OPS, "mustStop", MTD_MUST_STOP).ifne(out);
                code.goto_(to);
                code.labelBinding(out);
                leave(target);
                return;
            }
            code.goto_(to);
        }

        private void leave(long pc) {
            code.loadConstant(pc).lstore(TARGET).goto_(leaveToTarget);
        }
    }
}
