package org.gunyah.vmm.tools.a64asm;

import static org.gunyah.vmm.tools.a64asm.Encoder.condition;
import static org.gunyah.vmm.tools.a64asm.Encoder.expr;
import static org.gunyah.vmm.tools.a64asm.Encoder.reg;

import java.util.List;
import org.gunyah.vmm.tools.a64asm.Operand.Modifier;
import org.gunyah.vmm.tools.a64asm.Operand.Reg;

/** Encodings of the data-processing instructions and their aliases. */
final class DataEncoder {
    private static final Reg XZR = new Reg(31, true, false);
    private static final Reg WZR = new Reg(31, false, false);

    private DataEncoder() {}

    private static int sf(Reg r) {
        return r.sf() ? 0x80000000 : 0;
    }

    private static Reg zr(Reg like) {
        return like.sf() ? XZR : WZR;
    }

    static int mov(List<Operand> ops, Encoder.Context ctx) {
        Reg rd = reg(ops, 0);
        if (ops.get(1) instanceof Reg rm) {
            if (rd.sp() || rm.sp()) {
                return addSubImmediate(false, false, rd, rm, 0, 0);
            }
            return logicalShifted(1, false, rd, zr(rd), rm, 0, 0);
        }
        long value = ctx.eval(expr(ops.get(1)));
        int width = rd.sf() ? 64 : 32;
        long v = rd.sf() ? value : value & 0xffff_ffffL;
        if (!rd.sf() && value != (int) value && value != (value & 0xffff_ffffL)) {
            throw new IllegalArgumentException("immediate 0x" + Long.toHexString(value) + " does not fit in 32 bits");
        }
        for (int shift = 0; shift < width; shift += 16) {
            if ((v & ~(0xffffL << shift)) == 0) {
                return Encoder.moveWide("movz", rd, (v >>> shift) & 0xffff, shift);
            }
        }
        long inverted = rd.sf() ? ~v : ~v & 0xffff_ffffL;
        for (int shift = 0; shift < width; shift += 16) {
            if ((inverted & ~(0xffffL << shift)) == 0) {
                return Encoder.moveWide("movn", rd, (inverted >>> shift) & 0xffff, shift);
            }
        }
        Integer bitmask = BitmaskImmediate.encode(v, width);
        if (bitmask != null) {
            return sf(rd) | 0x32000000 | (bitmask << 10) | (31 << 5) | rd.number();
        }
        throw new IllegalArgumentException(
                "immediate 0x" + Long.toHexString(value) + " cannot be moved in one instruction; use ldr =");
    }

    static int addSub(String m, List<Operand> ops, Encoder.Context ctx) {
        boolean sub = m.startsWith("sub") || m.startsWith("cmp") || m.startsWith("neg");
        boolean flags = m.endsWith("s") || m.equals("cmp") || m.equals("cmn");
        List<Operand> o = switch (m) {
            case "cmp", "cmn" -> prepend(zr(reg(ops, 0)), ops);
            case "neg", "negs" -> List.of(ops.get(0), zr(reg(ops, 0)), ops.get(1));
            default -> ops;
        };
        Reg rd = reg(o, 0);
        Reg rn = reg(o, 1);
        if (!(o.get(2) instanceof Reg rm)) {
            long imm = ctx.eval(expr(o.get(2)));
            int shift = 0;
            if (o.size() > 3) {
                shift = (int) ctx.eval(((Modifier) o.get(3)).amount());
                if (shift != 0 && shift != 12) {
                    throw new IllegalArgumentException("add/sub immediate shift must be 0 or 12");
                }
            }
            if (imm < 0 && shift == 0 && imm >= -4095) {
                sub = !sub;
                imm = -imm;
            }
            if (imm > 4095 && shift == 0 && (imm & 0xfff) == 0 && imm <= 0xfff000) {
                imm >>= 12;
                shift = 12;
            }
            Encoder.check(imm, 0, 4095, "add/sub immediate");
            return addSubImmediate(sub, flags, rd, rn, imm, shift);
        }
        Modifier mod = o.size() > 3 ? (Modifier) o.get(3) : null;
        boolean extended =
                rd.sp() && !flags || rn.sp() || (mod != null && mod.kind().matches("[us]xt[bhwx]"));
        int base = (sub ? 0x40000000 : 0) | (flags ? 0x20000000 : 0) | sf(rd);
        if (extended) {
            int option = mod == null || mod.kind().equals("lsl") ? (rd.sf() ? 3 : 2) : extendOption(mod.kind());
            int amount = mod == null || mod.amount().isEmpty() ? 0 : (int) ctx.eval(mod.amount());
            Encoder.check(amount, 0, 4, "extend shift");
            return base
                    | 0x0b200000
                    | (rm.number() << 16)
                    | (option << 13)
                    | (amount << 10)
                    | (rn.number() << 5)
                    | rd.number();
        }
        int type = mod == null ? 0 : shiftType(mod.kind());
        int amount = mod == null ? 0 : (int) ctx.eval(mod.amount());
        Encoder.check(amount, 0, rd.sf() ? 63 : 31, "shift amount");
        return base
                | 0x0b000000
                | (type << 22)
                | (rm.number() << 16)
                | (amount << 10)
                | (rn.number() << 5)
                | rd.number();
    }

    private static int addSubImmediate(boolean sub, boolean flags, Reg rd, Reg rn, long imm, int shift) {
        return sf(rd)
                | (sub ? 0x40000000 : 0)
                | (flags ? 0x20000000 : 0)
                | 0x11000000
                | (shift == 12 ? 1 << 22 : 0)
                | ((int) imm << 10)
                | (rn.number() << 5)
                | rd.number();
    }

    static int logical(String m, List<Operand> ops, Encoder.Context ctx) {
        List<Operand> o = switch (m) {
            case "tst" -> prepend(zr(reg(ops, 0)), ops);
            case "mvn" -> List.of(ops.get(0), zr(reg(ops, 0)), ops.get(1));
            default -> ops;
        };
        String base = m.equals("tst") ? "ands" : m.equals("mvn") ? "orn" : m;
        int opc = switch (base) {
            case "and", "bic" -> 0;
            case "orr", "orn" -> 1;
            case "eor", "eon" -> 2;
            default -> 3;
        };
        boolean invert = base.equals("bic") || base.equals("orn") || base.equals("eon") || base.equals("bics");
        Reg rd = reg(o, 0);
        Reg rn = reg(o, 1);
        if (o.get(2) instanceof Reg rm) {
            Modifier mod = o.size() > 3 ? (Modifier) o.get(3) : null;
            int amount = mod == null ? 0 : (int) ctx.eval(mod.amount());
            return logicalShifted(opc, invert, rd, rn, rm, mod == null ? 0 : shiftType(mod.kind()), amount);
        }
        if (invert) {
            throw new IllegalArgumentException(m + " takes no immediate");
        }
        long value = ctx.eval(expr(o.get(2)));
        int width = rd.sf() ? 64 : 32;
        Integer bitmask = BitmaskImmediate.encode(rd.sf() ? value : value & 0xffff_ffffL, width);
        if (bitmask == null) {
            throw new IllegalArgumentException(
                    "0x" + Long.toHexString(value) + " is not encodable as a bitmask immediate");
        }
        return sf(rd) | (opc << 29) | 0x12000000 | (bitmask << 10) | (rn.number() << 5) | rd.number();
    }

    private static int logicalShifted(int opc, boolean invert, Reg rd, Reg rn, Reg rm, int type, int amount) {
        Encoder.check(amount, 0, rd.sf() ? 63 : 31, "shift amount");
        return sf(rd)
                | (opc << 29)
                | 0x0a000000
                | (type << 22)
                | (invert ? 1 << 21 : 0)
                | (rm.number() << 16)
                | (amount << 10)
                | (rn.number() << 5)
                | rd.number();
    }

    static int shift(String m, List<Operand> ops, Encoder.Context ctx) {
        Reg rd = reg(ops, 0);
        Reg rn = reg(ops, 1);
        int width = rd.sf() ? 64 : 32;
        if (ops.get(2) instanceof Reg rm) {
            int op = shiftType(m);
            return sf(rd) | 0x1ac02000 | (rm.number() << 16) | (op << 10) | (rn.number() << 5) | rd.number();
        }
        int amount = (int) Encoder.imm(ctx, ops.get(2), 0, width - 1);
        return switch (m) {
            case "lsl" -> bitfieldEncoding(2, rd, rn, (width - amount) % width, width - 1 - amount);
            case "lsr" -> bitfieldEncoding(2, rd, rn, amount, width - 1);
            case "asr" -> bitfieldEncoding(0, rd, rn, amount, width - 1);
            default ->
                sf(rd)
                        | 0x13800000
                        | (rd.sf() ? 1 << 22 : 0)
                        | (rn.number() << 16)
                        | (amount << 10)
                        | (rn.number() << 5)
                        | rd.number();
        };
    }

    static int bitfield(String m, List<Operand> ops, Encoder.Context ctx) {
        Reg rd = reg(ops, 0);
        Reg rn = reg(ops, 1);
        int width = rd.sf() ? 64 : 32;
        return switch (m) {
            case "uxtb" -> bitfieldEncoding(2, new Reg(rd.number(), false, false), rn, 0, 7);
            case "uxth" -> bitfieldEncoding(2, new Reg(rd.number(), false, false), rn, 0, 15);
            case "sxtb" -> bitfieldEncoding(0, rd, rn, 0, 7);
            case "sxth" -> bitfieldEncoding(0, rd, rn, 0, 15);
            case "sxtw" -> bitfieldEncoding(0, rd, rn, 0, 31);
            default -> {
                int a = (int) Encoder.imm(ctx, ops.get(2), 0, width - 1);
                int b = (int)
                        Encoder.imm(ctx, ops.get(3), m.endsWith("fm") ? 0 : 1, width - (m.endsWith("fm") ? 1 : a));
                yield switch (m) {
                    case "ubfm" -> bitfieldEncoding(2, rd, rn, a, b);
                    case "sbfm" -> bitfieldEncoding(0, rd, rn, a, b);
                    case "bfm" -> bitfieldEncoding(1, rd, rn, a, b);
                    case "ubfx" -> bitfieldEncoding(2, rd, rn, a, a + b - 1);
                    case "sbfx" -> bitfieldEncoding(0, rd, rn, a, a + b - 1);
                    case "bfi" -> bitfieldEncoding(1, rd, rn, (width - a) % width, b - 1);
                    case "ubfiz" -> bitfieldEncoding(2, rd, rn, (width - a) % width, b - 1);
                    default -> bitfieldEncoding(0, rd, rn, (width - a) % width, b - 1);
                };
            }
        };
    }

    private static int bitfieldEncoding(int opc, Reg rd, Reg rn, int immr, int imms) {
        return sf(rd)
                | (opc << 29)
                | 0x13000000
                | (rd.sf() ? 1 << 22 : 0)
                | (immr << 16)
                | (imms << 10)
                | (rn.number() << 5)
                | rd.number();
    }

    static int multiply(String m, List<Operand> ops) {
        Reg rd = reg(ops, 0);
        Reg rn = reg(ops, 1);
        return switch (m) {
            case "clz" -> sf(rd) | 0x5ac01000 | (rn.number() << 5) | rd.number();
            case "rbit" -> sf(rd) | 0x5ac00000 | (rn.number() << 5) | rd.number();
            case "rev" -> sf(rd) | 0x5ac00800 | (rd.sf() ? 0x400 : 0) | (rn.number() << 5) | rd.number();
            case "udiv" -> sf(rd) | 0x1ac00800 | (reg(ops, 2).number() << 16) | (rn.number() << 5) | rd.number();
            case "sdiv" -> sf(rd) | 0x1ac00c00 | (reg(ops, 2).number() << 16) | (rn.number() << 5) | rd.number();
            case "smulh" -> 0x9b407c00 | (reg(ops, 2).number() << 16) | (rn.number() << 5) | rd.number();
            case "umulh" -> 0x9bc07c00 | (reg(ops, 2).number() << 16) | (rn.number() << 5) | rd.number();
            default -> {
                Reg rm = reg(ops, 2);
                boolean subtract = m.equals("msub") || m.equals("mneg");
                int ra = m.equals("mul") || m.equals("mneg") ? 31 : reg(ops, 3).number();
                yield sf(rd)
                        | 0x1b000000
                        | (rm.number() << 16)
                        | (subtract ? 1 << 15 : 0)
                        | (ra << 10)
                        | (rn.number() << 5)
                        | rd.number();
            }
        };
    }

    static int select(String m, List<Operand> ops) {
        Reg rd = reg(ops, 0);
        return switch (m) {
            case "cset" -> selectEncoding(0, 1, rd, zr(rd), zr(rd), condition(expr(ops.get(1))) ^ 1);
            case "csetm" -> selectEncoding(1, 0, rd, zr(rd), zr(rd), condition(expr(ops.get(1))) ^ 1);
            case "cinc" -> selectEncoding(0, 1, rd, reg(ops, 1), reg(ops, 1), condition(expr(ops.get(2))) ^ 1);
            case "cinv" -> selectEncoding(1, 0, rd, reg(ops, 1), reg(ops, 1), condition(expr(ops.get(2))) ^ 1);
            case "cneg" -> selectEncoding(1, 1, rd, reg(ops, 1), reg(ops, 1), condition(expr(ops.get(2))) ^ 1);
            default -> {
                int op = m.equals("csinv") || m.equals("csneg") ? 1 : 0;
                int op2 = m.equals("csinc") || m.equals("csneg") ? 1 : 0;
                yield selectEncoding(op, op2, rd, reg(ops, 1), reg(ops, 2), condition(expr(ops.get(3))));
            }
        };
    }

    private static int selectEncoding(int op, int op2, Reg rd, Reg rn, Reg rm, int cond) {
        return sf(rd)
                | (op << 30)
                | 0x1a800000
                | (rm.number() << 16)
                | (cond << 12)
                | (op2 << 10)
                | (rn.number() << 5)
                | rd.number();
    }

    static int conditionalCompare(String m, List<Operand> ops, Encoder.Context ctx) {
        Reg rn = reg(ops, 0);
        int nzcv = (int) Encoder.imm(ctx, ops.get(2), 0, 15);
        int cond = condition(expr(ops.get(3)));
        int base = sf(rn) | (m.equals("ccmp") ? 0x40000000 : 0) | 0x3a400000 | (cond << 12) | (rn.number() << 5) | nzcv;
        if (ops.get(1) instanceof Reg rm) {
            return base | (rm.number() << 16);
        }
        return base | 0x800 | ((int) Encoder.imm(ctx, ops.get(1), 0, 31) << 16);
    }

    private static int shiftType(String kind) {
        return switch (kind) {
            case "lsl" -> 0;
            case "lsr" -> 1;
            case "asr" -> 2;
            case "ror" -> 3;
            default -> throw new IllegalArgumentException("'" + kind + "' is not a shift");
        };
    }

    static int extendOption(String kind) {
        return switch (kind) {
            case "uxtb" -> 0;
            case "uxth" -> 1;
            case "uxtw" -> 2;
            case "uxtx", "lsl" -> 3;
            case "sxtb" -> 4;
            case "sxth" -> 5;
            case "sxtw" -> 6;
            case "sxtx" -> 7;
            default -> throw new IllegalArgumentException("'" + kind + "' is not an extend");
        };
    }

    private static List<Operand> prepend(Operand first, List<Operand> rest) {
        List<Operand> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
