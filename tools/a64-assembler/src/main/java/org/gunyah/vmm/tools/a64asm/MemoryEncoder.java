package org.gunyah.vmm.tools.a64asm;

import static org.gunyah.vmm.tools.a64asm.Encoder.expr;
import static org.gunyah.vmm.tools.a64asm.Encoder.reg;

import java.util.List;
import org.gunyah.vmm.tools.a64asm.Operand.Literal;
import org.gunyah.vmm.tools.a64asm.Operand.Mem;
import org.gunyah.vmm.tools.a64asm.Operand.Modifier;
import org.gunyah.vmm.tools.a64asm.Operand.Reg;

/** Encodings of loads and stores, choosing the scaled, unscaled or indexed form as GNU as does. */
final class MemoryEncoder {
    private MemoryEncoder() {}

    /** size (log2) and opc of each single load/store mnemonic, for a given transfer register. */
    private record Kind(int sizeLog2, int opc, boolean unscaledOnly) {}

    private static Kind kind(String m, Reg rt) {
        String base = m.replace("ldur", "ldr").replace("stur", "str");
        boolean unscaled = !base.equals(m);
        return switch (base) {
            case "ldr" -> new Kind(rt.sf() ? 3 : 2, 1, unscaled);
            case "str" -> new Kind(rt.sf() ? 3 : 2, 0, unscaled);
            case "ldrb" -> new Kind(0, 1, unscaled);
            case "strb" -> new Kind(0, 0, unscaled);
            case "ldrh" -> new Kind(1, 1, unscaled);
            case "strh" -> new Kind(1, 0, unscaled);
            case "ldrsb" -> new Kind(0, rt.sf() ? 2 : 3, unscaled);
            case "ldrsh" -> new Kind(1, rt.sf() ? 2 : 3, unscaled);
            case "ldrsw" -> new Kind(2, 2, unscaled);
            default -> throw new IllegalArgumentException("unknown load/store '" + m + "'");
        };
    }

    static int single(String m, List<Operand> ops, Encoder.Context ctx) {
        Reg rt = reg(ops, 0);
        Operand addr = ops.get(1);
        if (addr instanceof Literal lit) {
            if (!m.equals("ldr") && !m.equals("ldrsw")) {
                throw new IllegalArgumentException(m + " cannot take a literal");
            }
            int size = m.equals("ldrsw") ? 4 : rt.sf() ? 8 : 4;
            return literalLoad(m, rt, ctx.literal(lit.text(), size) - ctx.pc());
        }
        if (!(addr instanceof Mem mem)) {
            if (m.equals("ldr") || m.equals("ldrsw")) {
                return literalLoad(m, rt, ctx.eval(expr(addr)) - ctx.pc());
            }
            throw new IllegalArgumentException("memory operand expected");
        }
        Kind k = kind(m, rt);
        int base = (k.sizeLog2() << 30)
                | 0x38000000
                | (k.opc() << 22)
                | (mem.base().number() << 5)
                | rt.number();
        if (ops.size() > 2) {
            long imm = Encoder.imm(ctx, ops.get(2), -256, 255);
            return base | (((int) imm & 0x1ff) << 12) | 0x400; // post-index
        }
        if (mem.offset() instanceof Reg rm) {
            Modifier mod = mem.modifier();
            int option = mod == null ? 3 : DataEncoder.extendOption(mod.kind());
            int s = 0;
            if (mod != null && !mod.amount().isEmpty()) {
                long amount = ctx.eval(mod.amount());
                if (amount != 0 && amount != k.sizeLog2()) {
                    throw new IllegalArgumentException("index shift must be 0 or " + k.sizeLog2());
                }
                s = amount == 0 && k.sizeLog2() != 0 ? 0 : 1;
            }
            if (mod != null && mod.kind().equals("lsl") && mod.amount().isEmpty()) {
                throw new IllegalArgumentException("lsl needs an amount");
            }
            return base | 0x200800 | (rm.number() << 16) | (option << 13) | (s << 12);
        }
        long imm = mem.offset() == null ? 0 : ctx.eval(expr(mem.offset()));
        if (mem.writeback()) {
            Encoder.check(imm, -256, 255, "pre-index offset");
            return base | (((int) imm & 0x1ff) << 12) | 0xc00;
        }
        int scale = 1 << k.sizeLog2();
        if (!k.unscaledOnly() && imm >= 0 && imm % scale == 0 && imm / scale < 4096) {
            return base | 0x1000000 | ((int) (imm / scale) << 10);
        }
        if (imm >= -256 && imm <= 255) {
            return base | (((int) imm & 0x1ff) << 12);
        }
        throw new IllegalArgumentException(
                "offset " + imm + " is neither a scaled unsigned 12-bit nor a signed 9-bit offset");
    }

    private static int literalLoad(String m, Reg rt, long delta) {
        if ((delta & 3) != 0) {
            throw new IllegalArgumentException("literal is not 4-byte aligned");
        }
        Encoder.check(delta >> 2, -(1L << 18), (1L << 18) - 1, "literal offset (in words)");
        int opc = m.equals("ldrsw") ? 2 : rt.sf() ? 1 : 0;
        return (opc << 30) | 0x18000000 | ((int) ((delta >> 2) & 0x7ffff) << 5) | rt.number();
    }

    static int pair(String m, List<Operand> ops, Encoder.Context ctx) {
        Reg rt = reg(ops, 0);
        Reg rt2 = reg(ops, 1);
        Mem mem = (Mem) ops.get(2);
        boolean load = !m.equals("stp");
        int opc = m.equals("ldpsw") ? 1 : rt.sf() ? 2 : 0;
        int scale = opc == 2 ? 8 : 4;
        int mode;
        long imm;
        if (ops.size() > 3) {
            mode = 1;
            imm = ctx.eval(expr(ops.get(3)));
        } else {
            mode = mem.writeback() ? 3 : 2;
            imm = mem.offset() == null ? 0 : ctx.eval(expr(mem.offset()));
        }
        if (imm % scale != 0) {
            throw new IllegalArgumentException("pair offset " + imm + " is not a multiple of " + scale);
        }
        Encoder.check(imm / scale, -64, 63, "pair offset (scaled)");
        return (opc << 30)
                | 0x28000000
                | (mode << 23)
                | (load ? 1 << 22 : 0)
                | ((int) (imm / scale & 0x7f) << 15)
                | (rt2.number() << 10)
                | (mem.base().number() << 5)
                | rt.number();
    }

    static int atomicAdd(String m, List<Operand> ops) {
        boolean store = m.startsWith("st");
        Reg rs = reg(ops, 0);
        Reg rt = store ? new Reg(31, rs.sf(), false) : reg(ops, 1);
        Mem mem = (Mem) ops.get(store ? 1 : 2);
        String suffix = m.substring(store ? 5 : 5);
        boolean acquire = suffix.startsWith("a");
        boolean release = suffix.endsWith("l");
        return (rs.sf() ? 3 << 30 : 2 << 30)
                | 0x38200000
                | (acquire ? 1 << 23 : 0)
                | (release ? 1 << 22 : 0)
                | (rs.number() << 16)
                | (mem.base().number() << 5)
                | rt.number();
    }
}
