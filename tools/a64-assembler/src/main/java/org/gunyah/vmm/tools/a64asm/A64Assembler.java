package org.gunyah.vmm.tools.a64asm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A two-pass assembler for the A64 subset the emulated vCPU runs, in GNU as syntax, producing a
 * flat image. The first pass lays out labels and literal pools; the second encodes. Padding in
 * code is zeros to a word boundary then NOPs, and literal pools are dumped 4-byte entries first,
 * each pool aligned to its entry size, so the bytes match GNU as for the same source.
 */
public final class A64Assembler {
    private static final int NOP = 0xd503201f;

    private final List<Line> lines;
    private final long base;
    private final Map<String, Long> symbols = new HashMap<>();
    private final Map<String, List<long[]>> localLabels = new HashMap<>();
    private final List<Pool> pools = new ArrayList<>();
    private int poolCursor;
    private boolean finalPass;
    private int currentIndex;
    private long pc;

    private record Line(int number, String text, List<String> labels, String mnemonic, String operands) {}

    /** The literals waiting for the next .ltorg: entry size to (expression to slot address). */
    private static final class Pool {
        final Map<Integer, LinkedHashMap<String, Long>> bySize = new LinkedHashMap<>();

        Pool() {
            bySize.put(4, new LinkedHashMap<>());
            bySize.put(8, new LinkedHashMap<>());
        }
    }

    private A64Assembler(String source, long base) {
        this.lines = parse(source);
        this.base = base;
    }

    /** Assembles {@code source} for loading at {@code baseAddress}. */
    public static Program assemble(String source, long baseAddress) {
        A64Assembler a = new A64Assembler(source, baseAddress);
        a.pass(null);
        a.finalPass = true;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        a.pass(out);
        Map<String, Long> syms = new HashMap<>(a.symbols);
        long entry = syms.getOrDefault("_start", baseAddress);
        return new Program(out.toByteArray(), baseAddress, syms, entry);
    }

    private void pass(ByteArrayOutputStream out) {
        pc = base;
        poolCursor = 0;
        if (!finalPass) {
            pools.add(new Pool());
        }
        for (int i = 0; i < lines.size(); i++) {
            currentIndex = i;
            Line line = lines.get(i);
            try {
                for (String label : line.labels()) {
                    define(label, pc, i);
                }
                if (line.mnemonic() != null) {
                    statement(line, out);
                }
            } catch (IllegalArgumentException | ClassCastException | IndexOutOfBoundsException e) {
                String reason = e instanceof IllegalArgumentException
                        ? e.getMessage()
                        : e instanceof ClassCastException ? "wrong kind of operand" : "missing operand";
                throw new AssemblyException(line.number(), line.text(), reason);
            }
        }
        dumpPool(out);
    }

    private void define(String label, long address, int index) {
        if (label.matches("\\d+")) {
            List<long[]> defs = localLabels.computeIfAbsent(label, k -> new ArrayList<>());
            if (!finalPass) {
                defs.add(new long[] {index, address});
            }
            return;
        }
        if (!finalPass && symbols.containsKey(label)) {
            throw new IllegalArgumentException("symbol '" + label + "' is already defined");
        }
        symbols.put(label, address);
    }

    private Long lookup(String name) {
        if (name.equals(".")) {
            return pc;
        }
        if (name.matches("\\d+[bf]")) {
            List<long[]> defs = localLabels.get(name.substring(0, name.length() - 1));
            if (defs == null) {
                return finalPass ? null : 0L;
            }
            boolean back = name.endsWith("b");
            long[] found = null;
            for (long[] d : defs) {
                if (back && d[0] <= currentIndex) {
                    found = d;
                } else if (!back && d[0] > currentIndex) {
                    found = d;
                    break;
                }
            }
            return found != null ? Long.valueOf(found[1]) : finalPass ? null : Long.valueOf(0L);
        }
        Long v = symbols.get(name);
        return v != null || finalPass ? v : Long.valueOf(0L);
    }

    private long eval(String expression) {
        return Expressions.evaluate(expression, this::lookup);
    }

    private void statement(Line line, ByteArrayOutputStream out) {
        String m = line.mnemonic().toLowerCase(Locale.ROOT);
        String ops = line.operands();
        if (m.startsWith(".")) {
            directive(m, ops, out);
            return;
        }
        if (m.equals("=")) {
            return;
        }
        if (pc % 4 != 0) {
            throw new IllegalArgumentException("instruction at 0x" + Long.toHexString(pc) + " is not 4-byte aligned");
        }
        List<Operand> operands = Operand.split(ops).stream().map(Operand::parse).toList();
        int word = finalPass ? Encoder.encode(line.mnemonic(), operands, context()) : 0;
        if (!finalPass) {
            // Register literal-pool slots in the first pass, so the layout is known.
            for (Operand o : operands) {
                if (o instanceof Operand.Literal lit) {
                    int size = operands.getFirst() instanceof Operand.Reg r && r.sf() && !m.equals("ldrsw") ? 8 : 4;
                    pools.getLast().bySize.get(size).putIfAbsent(lit.text().strip(), 0L);
                }
            }
        }
        emit(out, word, 4);
    }

    private Encoder.Context context() {
        return new Encoder.Context() {
            @Override
            public long eval(String expression) {
                return A64Assembler.this.eval(expression);
            }

            @Override
            public long pc() {
                return pc;
            }

            @Override
            public long literal(String expression, int size) {
                Long slot = pools.get(poolCursor).bySize.get(size).get(expression.strip());
                if (slot == null) {
                    throw new IllegalArgumentException("literal '" + expression + "' has no pool slot");
                }
                return slot;
            }
        };
    }

    private void directive(String d, String ops, ByteArrayOutputStream out) {
        switch (d) {
            case ".text",
                    ".data",
                    ".section",
                    ".global",
                    ".globl",
                    ".type",
                    ".size",
                    ".arch",
                    ".cpu",
                    ".file",
                    ".ident" -> {}
            case ".equ", ".set" -> {
                List<String> parts = Operand.split(ops);
                symbols.put(parts.get(0).strip(), eval(parts.get(1)));
            }
            case ".align", ".p2align" -> align(1L << eval(Operand.split(ops).getFirst()), out);
            case ".balign" -> align(eval(Operand.split(ops).getFirst()), out);
            case ".byte" -> data(ops, 1, out);
            case ".hword", ".short", ".2byte" -> data(ops, 2, out);
            case ".word", ".long", ".int", ".4byte" -> data(ops, 4, out);
            case ".quad", ".xword", ".8byte", ".dword" -> data(ops, 8, out);
            case ".ascii" -> strings(ops, false, out);
            case ".asciz", ".string" -> strings(ops, true, out);
            case ".space", ".skip", ".zero" -> {
                List<String> parts = Operand.split(ops);
                long n = eval(parts.getFirst());
                if (n < 0 || n > (1 << 24)) {
                    throw new IllegalArgumentException(".space of " + n + " bytes");
                }
                int fill = parts.size() > 1 ? (int) eval(parts.get(1)) : 0;
                for (long i = 0; i < n; i++) {
                    emit(out, fill, 1);
                }
            }
            case ".ltorg", ".pool" -> dumpPool(out);
            default -> throw new IllegalArgumentException("unknown directive '" + d + "'");
        }
    }

    private void align(long alignment, ByteArrayOutputStream out) {
        if (alignment <= 0 || Long.bitCount(alignment) != 1 || alignment > (1 << 16)) {
            throw new IllegalArgumentException("alignment " + alignment + " is not a power of two up to 65536");
        }
        while (pc % alignment != 0 && pc % 4 != 0) {
            emit(out, 0, 1);
        }
        while (pc % alignment != 0) {
            emit(out, NOP, 4);
        }
    }

    private void data(String ops, int size, ByteArrayOutputStream out) {
        for (String part : Operand.split(ops)) {
            long v = eval(part);
            if (size < 8 && (v >= (1L << (8 * size)) || v < -(1L << (8 * size - 1)))) {
                throw new IllegalArgumentException("value " + v + " does not fit in " + size + " bytes");
            }
            emit(out, v, size);
        }
    }

    private void strings(String ops, boolean terminate, ByteArrayOutputStream out) {
        String s = ops.strip();
        if (!s.startsWith("\"") || !s.endsWith("\"") || s.length() < 2) {
            throw new IllegalArgumentException("string expected in quotes");
        }
        String body = s.substring(1, s.length() - 1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && i + 1 < body.length()) {
                char e = body.charAt(++i);
                c = switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    case '0' -> '\0';
                    default -> e;
                };
            }
            emit(out, c, 1);
        }
        if (terminate) {
            emit(out, 0, 1);
        }
    }

    /** Lays out (first pass) or writes (second pass) the pending literal pool; 4-byte entries first. */
    private void dumpPool(ByteArrayOutputStream out) {
        Pool pool = pools.get(poolCursor);
        for (var e : pool.bySize.entrySet()) {
            int size = e.getKey();
            if (e.getValue().isEmpty()) {
                continue;
            }
            while (pc % size != 0) {
                emit(out, 0, 1);
            }
            for (var slot : e.getValue().entrySet()) {
                if (!finalPass) {
                    slot.setValue(pc);
                }
                emit(out, finalPass ? eval(slot.getKey()) : 0, size);
            }
        }
        poolCursor++;
        if (!finalPass) {
            pools.add(new Pool());
        }
    }

    private void emit(ByteArrayOutputStream out, long value, int size) {
        if (out != null) {
            for (int i = 0; i < size; i++) {
                out.write((int) (value >>> (8 * i)));
            }
        }
        pc += size;
    }

    private static List<Line> parse(String source) {
        String text = source.replaceAll("(?s)/\\*.*?\\*/", " ");
        List<Line> out = new ArrayList<>();
        String[] raw = text.split("\n", -1);
        for (int n = 0; n < raw.length; n++) {
            String line = stripComment(raw[n]).strip();
            List<String> labels = new ArrayList<>();
            while (true) {
                var m = java.util.regex.Pattern.compile("^([A-Za-z_.$][\\w.$]*|\\d+)\\s*:(.*)$")
                        .matcher(line);
                if (!m.matches()) {
                    break;
                }
                labels.add(m.group(1));
                line = m.group(2).strip();
            }
            String mnemonic = null;
            String operands = "";
            if (!line.isEmpty()) {
                var assign = java.util.regex.Pattern.compile("^([A-Za-z_.$][\\w.$]*)\\s*=\\s*(.+)$")
                        .matcher(line);
                if (assign.matches()) {
                    mnemonic = ".set";
                    operands = assign.group(1) + ", " + assign.group(2);
                } else {
                    int space = line.indexOf(' ');
                    int tab = line.indexOf('\t');
                    int cut = space < 0 ? tab : tab < 0 ? space : Math.min(space, tab);
                    mnemonic = cut < 0 ? line : line.substring(0, cut);
                    operands = cut < 0 ? "" : line.substring(cut + 1).strip();
                }
            }
            out.add(new Line(n + 1, raw[n], labels, mnemonic, operands));
        }
        return out;
    }

    private static String stripComment(String line) {
        boolean quote = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quote = !quote;
            } else if (c == '\'' && !quote && i + 2 < line.length()) {
                i += line.charAt(i + 1) == '\\' ? 3 : 2;
            } else if (!quote && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** {@code A64Assembler <input.S> <output.bin> [--base 0x...]}. */
    public static void main(String[] args) throws IOException {
        if (args.length != 2 && args.length != 4) {
            System.err.println("usage: A64Assembler <input.S> <output.bin> [--base <address>]");
            System.exit(2);
        }
        long base = args.length == 4 ? Long.decode(args[3]) : 0;
        String source = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        try {
            byte[] image = assemble(source, base).image();
            Path out = Path.of(args[1]).toAbsolutePath();
            Files.createDirectories(out.getParent());
            Files.write(out, image);
        } catch (AssemblyException e) {
            System.err.println(args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
