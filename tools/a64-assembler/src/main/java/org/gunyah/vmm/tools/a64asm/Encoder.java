package org.gunyah.vmm.tools.a64asm;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.gunyah.vmm.tools.a64asm.Operand.Expr;
import org.gunyah.vmm.tools.a64asm.Operand.Literal;
import org.gunyah.vmm.tools.a64asm.Operand.Mem;
import org.gunyah.vmm.tools.a64asm.Operand.Modifier;
import org.gunyah.vmm.tools.a64asm.Operand.Reg;

/** Turns one instruction into its A64 encoding, choosing forms and aliases as GNU as does. */
final class Encoder {
    /** What an instruction needs from the assembly around it. */
    interface Context {
        long eval(String expression);

        long pc();

        /** The address of the literal-pool slot holding {@code expression} as {@code size} bytes. */
        long literal(String expression, int size);
    }

    static final Map<String, Integer> CONDITIONS = Map.ofEntries(
            Map.entry("eq", 0),
            Map.entry("ne", 1),
            Map.entry("cs", 2),
            Map.entry("hs", 2),
            Map.entry("cc", 3),
            Map.entry("lo", 3),
            Map.entry("mi", 4),
            Map.entry("pl", 5),
            Map.entry("vs", 6),
            Map.entry("vc", 7),
            Map.entry("hi", 8),
            Map.entry("ls", 9),
            Map.entry("ge", 10),
            Map.entry("lt", 11),
            Map.entry("gt", 12),
            Map.entry("le", 13),
            Map.entry("al", 14),
            Map.entry("nv", 15));

    static final Map<String, Integer> SYSREGS = Map.ofEntries(
            Map.entry("vbar_el1", sys(3, 0, 12, 0, 0)),
            Map.entry("elr_el1", sys(3, 0, 4, 0, 1)),
            Map.entry("spsr_el1", sys(3, 0, 4, 0, 0)),
            Map.entry("esr_el1", sys(3, 0, 5, 2, 0)),
            Map.entry("far_el1", sys(3, 0, 6, 0, 0)),
            Map.entry("tpidr_el1", sys(3, 0, 13, 0, 4)),
            Map.entry("tpidr_el0", sys(3, 3, 13, 0, 2)),
            Map.entry("sctlr_el1", sys(3, 0, 1, 0, 0)),
            Map.entry("mpidr_el1", sys(3, 0, 0, 0, 5)),
            Map.entry("currentel", sys(3, 0, 4, 2, 2)),
            Map.entry("daif", sys(3, 3, 4, 2, 1)),
            Map.entry("nzcv", sys(3, 3, 4, 2, 0)),
            Map.entry("spsel", sys(3, 0, 4, 2, 0)),
            Map.entry("sp_el0", sys(3, 0, 4, 1, 0)),
            Map.entry("cntvct_el0", sys(3, 3, 14, 0, 2)),
            Map.entry("icc_pmr_el1", sys(3, 0, 4, 6, 0)),
            Map.entry("icc_iar0_el1", sys(3, 0, 12, 8, 0)),
            Map.entry("icc_eoir0_el1", sys(3, 0, 12, 8, 1)),
            Map.entry("icc_hppir0_el1", sys(3, 0, 12, 8, 2)),
            Map.entry("icc_bpr0_el1", sys(3, 0, 12, 8, 3)),
            Map.entry("icc_ap0r0_el1", sys(3, 0, 12, 8, 4)),
            Map.entry("icc_ap1r0_el1", sys(3, 0, 12, 9, 0)),
            Map.entry("icc_dir_el1", sys(3, 0, 12, 11, 1)),
            Map.entry("icc_rpr_el1", sys(3, 0, 12, 11, 3)),
            Map.entry("icc_sgi1r_el1", sys(3, 0, 12, 11, 5)),
            Map.entry("icc_asgi1r_el1", sys(3, 0, 12, 11, 6)),
            Map.entry("icc_sgi0r_el1", sys(3, 0, 12, 11, 7)),
            Map.entry("icc_iar1_el1", sys(3, 0, 12, 12, 0)),
            Map.entry("icc_eoir1_el1", sys(3, 0, 12, 12, 1)),
            Map.entry("icc_hppir1_el1", sys(3, 0, 12, 12, 2)),
            Map.entry("icc_bpr1_el1", sys(3, 0, 12, 12, 3)),
            Map.entry("icc_ctlr_el1", sys(3, 0, 12, 12, 4)),
            Map.entry("icc_sre_el1", sys(3, 0, 12, 12, 5)),
            Map.entry("icc_igrpen0_el1", sys(3, 0, 12, 12, 6)),
            Map.entry("icc_igrpen1_el1", sys(3, 0, 12, 12, 7)));

    private Encoder() {}

    static int sys(int op0, int op1, int crn, int crm, int op2) {
        return (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    static int encode(String mnemonic, List<Operand> ops, Context ctx) {
        String m = mnemonic.toLowerCase(Locale.ROOT);
        if (m.startsWith("b.")) {
            return 0x54000000 | (int) (branchOffset(ctx, ops.getFirst(), 19) << 5) | condition(m.substring(2));
        }
        return switch (m) {
            case "nop" -> 0xd503201f;
            case "yield" -> 0xd503203f;
            case "wfe" -> 0xd503205f;
            case "wfi" -> 0xd503207f;
            case "isb" -> 0xd5033fdf;
            case "dsb" -> 0xd503309f | (barrier(ops) << 8);
            case "dmb" -> 0xd50330bf | (barrier(ops) << 8);
            case "eret" -> 0xd69f03e0;
            case "hvc" -> 0xd4000002 | (int) (imm(ctx, ops.getFirst(), 0, 0xffff) << 5);
            case "brk" -> 0xd4200000 | (int) (imm(ctx, ops.getFirst(), 0, 0xffff) << 5);
            case "b" -> 0x14000000 | (int) branchOffset(ctx, ops.getFirst(), 26);
            case "bl" -> 0x94000000 | (int) branchOffset(ctx, ops.getFirst(), 26);
            case "br" -> 0xd61f0000 | reg(ops, 0).number() << 5;
            case "blr" -> 0xd63f0000 | reg(ops, 0).number() << 5;
            case "ret" -> 0xd65f0000 | (ops.isEmpty() ? 30 : reg(ops, 0).number()) << 5;
            case "cbz", "cbnz" -> {
                Reg rt = reg(ops, 0);
                yield (rt.sf() ? 0x80000000 : 0)
                        | 0x34000000
                        | (m.equals("cbnz") ? 1 << 24 : 0)
                        | (int) (branchOffset(ctx, ops.get(1), 19) << 5)
                        | rt.number();
            }
            case "tbz", "tbnz" -> {
                Reg rt = reg(ops, 0);
                int b = (int) imm(ctx, ops.get(1), 0, rt.sf() ? 63 : 31);
                yield ((b >> 5) << 31)
                        | 0x36000000
                        | (m.equals("tbnz") ? 1 << 24 : 0)
                        | ((b & 31) << 19)
                        | (int) (branchOffset(ctx, ops.get(2), 14) << 5)
                        | rt.number();
            }
            case "adr", "adrp" -> {
                Reg rd = reg(ops, 0);
                long target = ctx.eval(expr(ops.get(1)));
                long delta = m.equals("adr") ? target - ctx.pc() : (target >> 12) - (ctx.pc() >> 12);
                check(delta, -(1L << 20), (1L << 20) - 1, "adr offset");
                int immlo = (int) delta & 3;
                int immhi = (int) (delta >> 2) & 0x7ffff;
                yield (m.equals("adrp") ? 0x90000000 : 0x10000000) | (immlo << 29) | (immhi << 5) | rd.number();
            }
            case "movz", "movn", "movk" ->
                moveWide(
                        m,
                        reg(ops, 0),
                        imm(ctx, ops.get(1), 0, 0xffff),
                        ops.size() > 2 ? (int) ctx.eval(((Modifier) ops.get(2)).amount()) : 0);
            case "mov" -> DataEncoder.mov(ops, ctx);
            case "add", "adds", "sub", "subs", "cmp", "cmn", "neg", "negs" -> DataEncoder.addSub(m, ops, ctx);
            case "and", "ands", "orr", "eor", "bic", "bics", "orn", "eon", "tst", "mvn" ->
                DataEncoder.logical(m, ops, ctx);
            case "lsl", "lsr", "asr", "ror" -> DataEncoder.shift(m, ops, ctx);
            case "ubfm",
                    "sbfm",
                    "bfm",
                    "ubfx",
                    "sbfx",
                    "bfi",
                    "ubfiz",
                    "sbfiz",
                    "uxtb",
                    "uxth",
                    "sxtb",
                    "sxth",
                    "sxtw" -> DataEncoder.bitfield(m, ops, ctx);
            case "madd", "msub", "mul", "mneg", "smulh", "umulh", "udiv", "sdiv", "clz", "rbit", "rev" ->
                DataEncoder.multiply(m, ops);
            case "csel", "csinc", "csinv", "csneg", "cset", "csetm", "cinc", "cinv", "cneg" ->
                DataEncoder.select(m, ops);
            case "ccmp", "ccmn" -> DataEncoder.conditionalCompare(m, ops, ctx);
            case "mrs" -> 0xd5300000 | (sysreg(ops.get(1)) << 5) | reg(ops, 0).number();
            case "msr" -> msr(ops, ctx);
            case "ldr",
                    "str",
                    "ldrb",
                    "strb",
                    "ldrh",
                    "strh",
                    "ldrsb",
                    "ldrsh",
                    "ldrsw",
                    "ldur",
                    "stur",
                    "ldurb",
                    "sturb",
                    "ldurh",
                    "sturh" -> MemoryEncoder.single(m, ops, ctx);
            case "ldp", "stp", "ldpsw" -> MemoryEncoder.pair(m, ops, ctx);
            case "ldadd", "ldadda", "ldaddl", "ldaddal", "stadd", "staddl" -> MemoryEncoder.atomicAdd(m, ops);
            default -> throw new IllegalArgumentException("unknown or unsupported mnemonic '" + mnemonic + "'");
        };
    }

    private static int barrier(List<Operand> ops) {
        String o = ops.isEmpty() ? "sy" : expr(ops.getFirst()).toLowerCase(Locale.ROOT);
        return switch (o) {
            case "sy" -> 15;
            case "ish" -> 11;
            case "ishst" -> 10;
            case "ishld" -> 9;
            case "nsh" -> 7;
            case "osh" -> 3;
            case "st" -> 14;
            case "ld" -> 13;
            default -> throw new IllegalArgumentException("unknown barrier option '" + o + "'");
        };
    }

    private static int msr(List<Operand> ops, Context ctx) {
        String target = expr(ops.getFirst()).toLowerCase(Locale.ROOT);
        if (ops.get(1) instanceof Reg r) {
            return 0xd5100000 | (sysreg(ops.getFirst()) << 5) | r.number();
        }
        int imm = (int) imm(ctx, ops.get(1), 0, 15);
        int fields = switch (target) {
            case "daifset" -> (3 << 16) | (6 << 5);
            case "daifclr" -> (3 << 16) | (7 << 5);
            case "spsel" -> 5 << 5;
            default -> throw new IllegalArgumentException("MSR immediate to '" + target + "' is not supported");
        };
        return 0xd500401f | fields | (imm << 8);
    }

    static int sysreg(Operand op) {
        String name = expr(op).toLowerCase(Locale.ROOT);
        Integer key = SYSREGS.get(name);
        if (key != null) {
            return key;
        }
        var m = java.util.regex.Pattern.compile("s(\\d)_(\\d)_c(\\d+)_c(\\d+)_(\\d)")
                .matcher(name);
        if (m.matches()) {
            return sys(
                    Integer.parseInt(m.group(1)),
                    Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)),
                    Integer.parseInt(m.group(5)));
        }
        throw new IllegalArgumentException("unknown system register '" + name + "'");
    }

    static int moveWide(String m, Reg rd, long imm16, int shift) {
        if (shift % 16 != 0 || shift < 0 || shift > (rd.sf() ? 48 : 16)) {
            throw new IllegalArgumentException(
                    "move shift must be lsl #0, #16" + (rd.sf() ? ", #32 or #48" : "") + ", got " + shift);
        }
        int opc = switch (m) {
            case "movn" -> 0;
            case "movz" -> 2;
            default -> 3;
        };
        return (rd.sf() ? 0x80000000 : 0)
                | (opc << 29)
                | 0x12800000
                | ((shift / 16) << 21)
                | ((int) imm16 << 5)
                | rd.number();
    }

    static long branchOffset(Context ctx, Operand target, int bits) {
        long delta = ctx.eval(expr(target)) - ctx.pc();
        if ((delta & 3) != 0) {
            throw new IllegalArgumentException("branch target is not 4-byte aligned");
        }
        long words = delta >> 2;
        check(words, -(1L << (bits - 1)), (1L << (bits - 1)) - 1, "branch offset (in words)");
        return words & ((1L << bits) - 1);
    }

    static int condition(String name) {
        Integer c = CONDITIONS.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            throw new IllegalArgumentException("unknown condition '" + name + "'");
        }
        return c;
    }

    static Reg reg(List<Operand> ops, int i) {
        if (i >= ops.size()) {
            throw new IllegalArgumentException("operand " + (i + 1) + " is missing");
        }
        if (!(ops.get(i) instanceof Reg r)) {
            throw new IllegalArgumentException("operand " + (i + 1) + " must be a register, got '" + ops.get(i) + "'");
        }
        return r;
    }

    static String expr(Operand op) {
        if (op instanceof Expr e) {
            return e.text();
        }
        throw new IllegalArgumentException("expected an expression, got " + op);
    }

    static long imm(Context ctx, Operand op, long min, long max) {
        long v = ctx.eval(expr(op));
        check(v, min, max, "immediate");
        return v;
    }

    static void check(long v, long min, long max, String what) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    what + " " + v + " (0x" + Long.toHexString(v) + ") is out of range " + min + ".." + max);
        }
    }

    static boolean isLiteral(Operand op) {
        return op instanceof Literal;
    }

    static boolean isMem(Operand op) {
        return op instanceof Mem;
    }
}
