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
import java.lang.reflect.AccessFlag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the class of a {@link Plan}: a {@link Region} whose {@code run} is the region's control
 * flow as JVM branches between the instructions, each STEP instruction a call of the interpreter's
 * code for it (the operation of its encoding with the fields decoded, {@link Specialized}, or else
 * the decoder with the instruction word as a constant), each direct branch a JVM branch or an exit. The generated class lives in the vCPU's package (the helpers it
 * calls, {@code RegionOps}, are that package's).
 */
final class Emitter {
    private static final String CPU_PACKAGE = "org.gunyah.vmm.hypervisor.emulated.cpu.";
    private static final ClassDesc CD_CPU = ClassDesc.of(CPU_PACKAGE + "A64Cpu");
    private static final ClassDesc CD_EXIT = ClassDesc.of(CPU_PACKAGE + "Exit");
    private static final ClassDesc CD_OPS = ClassDesc.of(CPU_PACKAGE + "RegionOps");
    private static final ClassDesc CD_REGION = ClassDesc.of(Region.class.getName());
    private static final ClassDesc CD_RUNTIME_EXCEPTION = ClassDesc.of(RuntimeException.class.getName());
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
    private static final MethodTypeDesc MTD_LINK = MethodTypeDesc.of(CD_void, CD_CPU, CD_long);
    private static final MethodTypeDesc MTD_CONDITION = MethodTypeDesc.of(CD_boolean, CD_CPU, CD_int);
    private static final MethodTypeDesc MTD_REG = MethodTypeDesc.of(CD_long, CD_CPU, CD_int, CD_boolean);
    private static final MethodTypeDesc MTD_IRQ_OPEN = MethodTypeDesc.of(CD_boolean, CD_CPU);
    private static final MethodTypeDesc MTD_MUST_STOP =
            MethodTypeDesc.of(CD_boolean, CD_CPU, CD_int, CD_int, CD_boolean);

    // The locals of run: this, cpu, limit, then ours.
    private static final int CPU = 1;
    private static final int N = 4; // instructions done (int)
    private static final int AT = 5; // the instruction that may fault (long)
    private static final int ROOM = 7; // past it, a backward branch leaves (int)
    private static final int IRQ_OPEN = 8; // whether interrupts are unmasked (int)
    private static final int EXIT = 9; // a STEP's exit (reference)
    private static final int TARGET = 10; // where the region leaves to (long)

    private Emitter() {}

    static byte[] emit(Plan plan, ClassLoader loader) {
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
                    "run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, code -> new Body(plan, code).emit());
        });
    }

    private static final class Body {
        private final Plan plan;
        private final CodeBuilder code;
        private final Map<Long, Label> labels = new HashMap<>();
        private Label exitWithResult;
        private Label leaveToTarget;
        private Label stopAtTarget;

        Body(Plan plan, CodeBuilder code) {
            this.plan = plan;
            this.code = code;
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
            // The exits all instructions share: with an instruction's exit on the stack, or to TARGET.
            code.labelBinding(exitWithResult);
            code.astore(EXIT).aload(CPU).iload(N).aload(EXIT).invokestatic(CD_OPS, "leave", MTD_LEAVE_EXIT);
            code.areturn();
            code.labelBinding(leaveToTarget);
            code.aload(CPU)
                    .iload(N)
                    .lload(TARGET)
                    .invokestatic(CD_OPS, "leave", MTD_LEAVE_AT)
                    .areturn();
            code.labelBinding(stopAtTarget);
            code.aload(CPU)
                    .iload(N)
                    .lload(TARGET)
                    .invokestatic(CD_OPS, "stopAt", MTD_LEAVE_AT)
                    .areturn();
            Label end = code.newBoundLabel();
            code.exceptionCatch(start, end, end, CD_RUNTIME_EXCEPTION);
            code.aload(CPU)
                    .lload(AT)
                    .iload(N)
                    .aload(0)
                    .invokestatic(CD_OPS, "fault", MTD_FAULT)
                    .areturn();
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

        private void instruction(Plan.Insn i) {
            switch (i.kind()) {
                case STEP -> {
                    count();
                    Specialized special = Specialized.of(i.word(), i.va());
                    if (special != null) {
                        specialized(i, special);
                        return;
                    }
                    code.loadConstant(i.va()).lstore(AT);
                    code.aload(CPU).loadConstant(i.va()).loadConstant(i.word()).invokestatic(CD_OPS, "step", MTD_STEP);
                    code.dup().ifnonnull(exitWithResult).pop();
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
                    code.aload(CPU).loadConstant(i.va() + 4).invokestatic(CD_OPS, "link", MTD_LINK);
                    jump(i.va(), i.target());
                }
                case B_COND -> {
                    count();
                    code.aload(CPU).loadConstant(i.word() & 0xf).invokestatic(CD_OPS, "condition", MTD_CONDITION);
                    conditional(i, false);
                }
                case CBZ, CBNZ -> {
                    count();
                    code.aload(CPU)
                            .loadConstant(i.word() & 0x1f)
                            .loadConstant(i.word() >>> 31)
                            .invokestatic(CD_OPS, "reg", MTD_REG);
                    code.lconst_0().lcmp(); // 0 when zero
                    conditional(i, i.kind() == Kind.CBZ);
                }
                case TBZ, TBNZ -> {
                    count();
                    int bit = (i.word() >>> 31) << 5 | (i.word() >>> 19) & 0x1f;
                    code.aload(CPU).loadConstant(i.word() & 0x1f).iconst_1().invokestatic(CD_OPS, "reg", MTD_REG);
                    code.loadConstant(bit).lushr().l2i().iconst_1().iand(); // the bit
                    conditional(i, i.kind() == Kind.TBZ);
                }
                case INDIRECT -> {
                    count();
                    code.aload(CPU)
                            .loadConstant((i.word() >>> 5) & 0x1f)
                            .iconst_1()
                            .invokestatic(CD_OPS, "reg", MTD_REG);
                    code.lstore(TARGET);
                    if (((i.word() >>> 21) & 0xf) == 1) {
                        code.aload(CPU).loadConstant(i.va() + 4).invokestatic(CD_OPS, "link", MTD_LINK);
                    }
                    code.goto_(leaveToTarget);
                }
                case STOP -> code.loadConstant(i.va()).lstore(TARGET).goto_(stopAtTarget);
            }
        }

        private void specialized(Plan.Insn i, Specialized s) {
            if (s.withPc()) {
                code.loadConstant(i.va()).lstore(AT);
            }
            code.aload(CPU);
            if (s.withPc()) {
                code.loadConstant(i.va());
            }
            for (var arg : s.args()) {
                code.loadConstant(arg);
            }
            code.invokestatic(s.ownerDesc(), s.name(), s.type());
            if (s.exits()) {
                code.dup().ifnonnull(exitWithResult).pop();
            }
            if (s.stores()) {
                staleAfter(i);
            }
        }

        /** After an instruction that may have written this region's own code: what follows is stale. */
        private void staleAfter(Plan.Insn i) {
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
