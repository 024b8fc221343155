package org.gunyah.vmm.tools.a64asm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One operand of an instruction, as written. */
sealed interface Operand {
    /** A general register; {@code number} 31 is SP when {@code sp}, else the zero register. */
    record Reg(int number, boolean sf, boolean sp) implements Operand {}

    /** An expression (immediate, label, condition or system register name, by context). */
    record Expr(String text) implements Operand {}

    /** {@code lsl #3}, {@code uxtw #2}, {@code sxtw}. */
    record Modifier(String kind, String amount) implements Operand {}

    /** {@code [base{, index-or-offset{, modifier}}]{!}}. */
    record Mem(Reg base, Operand offset, Modifier modifier, boolean writeback) implements Operand {}

    /** {@code =expr}: a literal-pool constant. */
    record Literal(String text) implements Operand {}

    /** Splits at top-level commas (not inside brackets, quotes). */
    static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        boolean quote = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'' && i + 1 < s.length()) {
                // a character literal such as ',' or '\n'
                int end = s.charAt(i + 1) == '\\' ? i + 3 : i + 2;
                if (end < s.length() && s.charAt(end) == '\'') {
                    i = end;
                    continue;
                }
            }
            if (c == '"') {
                quote = !quote;
            } else if (!quote && c == '[') {
                depth++;
            } else if (!quote && c == ']') {
                depth--;
            } else if (!quote && depth == 0 && c == ',') {
                parts.add(s.substring(start, i).strip());
                start = i + 1;
            }
        }
        String last = s.substring(start).strip();
        if (!last.isEmpty() || !parts.isEmpty()) {
            parts.add(last);
        }
        return parts;
    }

    static Operand parse(String text) {
        String t = text.strip();
        if (t.startsWith("[")) {
            boolean wb = t.endsWith("!");
            String inner = t.substring(1, t.lastIndexOf(']'));
            List<String> parts = split(inner);
            Reg base = register(parts.getFirst());
            if (base == null) {
                throw new IllegalArgumentException("base register expected in '" + t + "'");
            }
            Operand offset = parts.size() > 1 ? parse(parts.get(1)) : null;
            Modifier mod = parts.size() > 2 ? (Modifier) parse(parts.get(2)) : null;
            return new Mem(base, offset, mod, wb);
        }
        if (t.startsWith("=")) {
            return new Literal(t.substring(1).strip());
        }
        Reg r = register(t);
        if (r != null) {
            return r;
        }
        String lower = t.toLowerCase(Locale.ROOT);
        for (String kind :
                new String[] {"lsl", "lsr", "asr", "ror", "uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx"
                }) {
            if (lower.equals(kind)
                    || lower.startsWith(kind + " ")
                    || lower.startsWith(kind + "\t")
                    || lower.startsWith(kind + "#")) {
                String amount = t.substring(kind.length()).strip();
                return new Modifier(kind, amount.startsWith("#") ? amount.substring(1) : amount);
            }
        }
        return new Expr(t.startsWith("#") ? t.substring(1) : t);
    }

    static Reg register(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "sp":
                return new Reg(31, true, true);
            case "wsp":
                return new Reg(31, false, true);
            case "xzr":
                return new Reg(31, true, false);
            case "wzr":
                return new Reg(31, false, false);
            case "lr":
                return new Reg(30, true, false);
            case "fp":
                return new Reg(29, true, false);
            default:
                break;
        }
        if (t.length() >= 2
                && (t.charAt(0) == 'x' || t.charAt(0) == 'w')
                && t.substring(1).matches("\\d{1,2}")) {
            int n = Integer.parseInt(t.substring(1));
            if (n <= 30) {
                return new Reg(n, t.charAt(0) == 'x', false);
            }
        }
        return null;
    }
}
