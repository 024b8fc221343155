package org.gunyah.vmm.tools.a64asm;

import java.util.function.Function;

/**
 * Integer expressions of GNU as: numbers (decimal, 0x, 0b, 'c' with C escapes), symbols, '.',
 * unary - ~ +, binary * / % + - << >> & | ^ with C precedence, parentheses. Symbols resolve
 * through a function that returns null for an unknown name.
 */
final class Expressions {
    private final String text;
    private final Function<String, Long> symbols;
    private int pos;

    private Expressions(String text, Function<String, Long> symbols) {
        this.text = text;
        this.symbols = symbols;
    }

    /** Evaluates {@code text}; IllegalArgumentException with the reason when it cannot. */
    static long evaluate(String text, Function<String, Long> symbols) {
        Expressions e = new Expressions(text.strip(), symbols);
        long v = e.or();
        e.skipSpace();
        if (e.pos != e.text.length()) {
            throw new IllegalArgumentException(
                    "unexpected '" + e.text.substring(e.pos) + "' in expression '" + text.strip() + "'");
        }
        return v;
    }

    private long or() {
        long v = xor();
        while (peek('|')) {
            pos++;
            v |= xor();
        }
        return v;
    }

    private long xor() {
        long v = and();
        while (peek('^')) {
            pos++;
            v ^= and();
        }
        return v;
    }

    private long and() {
        long v = shift();
        while (peek('&')) {
            pos++;
            v &= shift();
        }
        return v;
    }

    private long shift() {
        long v = sum();
        while (true) {
            if (peek("<<")) {
                pos += 2;
                v <<= sum();
            } else if (peek(">>")) {
                pos += 2;
                v >>= sum();
            } else {
                return v;
            }
        }
    }

    private long sum() {
        long v = product();
        while (true) {
            if (peek('+')) {
                pos++;
                v += product();
            } else if (peek('-')) {
                pos++;
                v -= product();
            } else {
                return v;
            }
        }
    }

    private long product() {
        long v = unary();
        while (true) {
            if (peek('*')) {
                pos++;
                v *= unary();
            } else if (peek('/') || peek('%')) {
                boolean div = text.charAt(pos) == '/';
                pos++;
                long d = unary();
                if (d == 0) {
                    throw new IllegalArgumentException("division by zero");
                }
                v = div ? v / d : v % d;
            } else {
                return v;
            }
        }
    }

    private long unary() {
        skipSpace();
        if (peek('-')) {
            pos++;
            return -unary();
        }
        if (peek('~')) {
            pos++;
            return ~unary();
        }
        if (peek('+')) {
            pos++;
            return unary();
        }
        if (peek('(')) {
            pos++;
            long v = or();
            if (!peek(')')) {
                throw new IllegalArgumentException("missing ')' in '" + text + "'");
            }
            pos++;
            return v;
        }
        return atom();
    }

    private long atom() {
        skipSpace();
        if (pos >= text.length()) {
            throw new IllegalArgumentException("missing operand in '" + text + "'");
        }
        char ch = text.charAt(pos);
        if (ch == '\'') {
            return character();
        }
        int start = pos;
        if (Character.isDigit(ch)) {
            while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
                pos++;
            }
            String num = text.substring(start, pos).toLowerCase();
            try {
                if (num.startsWith("0x")) {
                    return Long.parseUnsignedLong(num.substring(2), 16);
                }
                if (num.startsWith("0b")) {
                    return Long.parseUnsignedLong(num.substring(2), 2);
                }
                if (num.matches("\\d+[bf]")) {
                    return resolve(num);
                }
                return Long.parseUnsignedLong(num);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad number '" + num + "'");
            }
        }
        if (Character.isLetter(ch) || ch == '_' || ch == '.' || ch == '$') {
            while (pos < text.length()
                    && (Character.isLetterOrDigit(text.charAt(pos)) || "_.$".indexOf(text.charAt(pos)) >= 0)) {
                pos++;
            }
            return resolve(text.substring(start, pos));
        }
        throw new IllegalArgumentException("unexpected '" + ch + "' in expression '" + text + "'");
    }

    private long resolve(String name) {
        Long v = symbols.apply(name);
        if (v == null) {
            throw new IllegalArgumentException("undefined symbol '" + name + "'");
        }
        return v;
    }

    private long character() {
        pos++;
        if (pos >= text.length()) {
            throw new IllegalArgumentException("unterminated character literal");
        }
        char ch = text.charAt(pos++);
        if (ch == '\\' && pos < text.length()) {
            char e = text.charAt(pos++);
            ch = switch (e) {
                case 'n' -> '\n';
                case 't' -> '\t';
                case 'r' -> '\r';
                case '0' -> '\0';
                default -> e;
            };
        }
        if (pos < text.length() && text.charAt(pos) == '\'') {
            pos++;
        }
        return ch;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        skipSpace();
        return pos < text.length() && text.charAt(pos) == c && !(c == '<' || c == '>');
    }

    private boolean peek(String s) {
        skipSpace();
        return text.startsWith(s, pos);
    }
}
