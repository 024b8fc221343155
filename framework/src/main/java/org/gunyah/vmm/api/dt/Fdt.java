package org.gunyah.vmm.api.dt;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The flattened devicetree format (DTB), version 17: a 40-byte big-endian header, an empty memory
 * reservation map, the structure block of tokens and the strings block. Decoding checks every
 * offset and length against the blob, since a guest's memory is untrusted.
 */
public final class Fdt {
    public static final int MAGIC = 0xd00dfeed;
    public static final int MAX_DEPTH = 64;
    static final int HEADER_SIZE = 40;
    static final int BEGIN_NODE = 1;
    static final int END_NODE = 2;
    static final int PROP = 3;
    static final int NOP = 4;
    static final int END = 9;

    private Fdt() {}

    public static byte[] encode(DtNode root) {
        ByteArrayOutputStream struct = new ByteArrayOutputStream();
        Map<String, Integer> strings = new LinkedHashMap<>();
        ByteArrayOutputStream stringBlock = new ByteArrayOutputStream();
        writeNode(root, struct, strings, stringBlock);
        writeInt(struct, END);
        byte[] structBytes = struct.toByteArray();
        byte[] stringBytes = stringBlock.toByteArray();
        int rsvmap = HEADER_SIZE;
        int structOff = rsvmap + 16;
        int stringsOff = structOff + structBytes.length;
        int total = stringsOff + stringBytes.length;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
        b.putInt(MAGIC)
                .putInt(total)
                .putInt(structOff)
                .putInt(stringsOff)
                .putInt(rsvmap)
                .putInt(17)
                .putInt(16)
                .putInt(0)
                .putInt(stringBytes.length)
                .putInt(structBytes.length);
        b.putLong(0).putLong(0);
        b.put(structBytes).put(stringBytes);
        return b.array();
    }

    private static void writeNode(
            DtNode node, ByteArrayOutputStream out, Map<String, Integer> strings, ByteArrayOutputStream stringBlock) {
        writeInt(out, BEGIN_NODE);
        byte[] name = node.name().getBytes(StandardCharsets.UTF_8);
        out.writeBytes(name);
        out.write(0);
        pad(out);
        for (DtProperty p : node.properties()) {
            Integer off = strings.get(p.name());
            if (off == null) {
                off = stringBlock.size();
                strings.put(p.name(), off);
                stringBlock.writeBytes(p.name().getBytes(StandardCharsets.UTF_8));
                stringBlock.write(0);
            }
            byte[] value = p.value();
            writeInt(out, PROP);
            writeInt(out, value.length);
            writeInt(out, off);
            out.writeBytes(value);
            pad(out);
        }
        for (DtNode child : node.children()) {
            writeNode(child, out, strings, stringBlock);
        }
        writeInt(out, END_NODE);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }

    public static DtNode decode(byte[] blob) throws GunyahException {
        return decode(ByteBuffer.wrap(blob));
    }

    public static DtNode decode(MemorySegment blob) throws GunyahException {
        return decode(blob.asByteBuffer());
    }

    /** Parses a DTB; EINVAL, naming what is wrong and where, for anything that is not a valid one. */
    public static DtNode decode(ByteBuffer blob) throws GunyahException {
        ByteBuffer b = blob.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < HEADER_SIZE) {
            throw invalid("blob of %d bytes is shorter than the %d-byte header", b.remaining(), HEADER_SIZE);
        }
        if (b.getInt(0) != MAGIC) {
            throw invalid("bad magic 0x%08x", b.getInt(0));
        }
        long total = Integer.toUnsignedLong(b.getInt(4));
        long structOff = Integer.toUnsignedLong(b.getInt(8));
        long stringsOff = Integer.toUnsignedLong(b.getInt(12));
        int version = b.getInt(20);
        long stringsSize = Integer.toUnsignedLong(b.getInt(32));
        long structSize = Integer.toUnsignedLong(b.getInt(36));
        if (total > b.remaining() || total < HEADER_SIZE) {
            throw invalid("totalsize %d does not fit the %d bytes given", total, b.remaining());
        }
        if (version < 16) {
            throw invalid("version %d is older than 16", version);
        }
        if (version < 17) {
            structSize = total - structOff;
        }
        if (structOff > total
                || structSize > total - structOff
                || stringsOff > total
                || stringsSize > total - stringsOff) {
            throw invalid(
                    "structure [%d,+%d) or strings [%d,+%d) block lies outside totalsize %d",
                    structOff, structSize, stringsOff, stringsSize, total);
        }
        ByteBuffer struct = b.slice((int) structOff, (int) structSize).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer strings = b.slice((int) stringsOff, (int) stringsSize);
        try {
            return new Parser(struct, strings, (int) structOff).parse();
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw invalid("structure block ends inside a token");
        }
    }

    static GunyahException invalid(String format, Object... args) {
        return GunyahException.of(Errno.EINVAL, "devicetree: " + format, args);
    }

    /** The structure-block walk, iterative so that no blob can overflow the stack. */
    private static final class Parser {
        private final ByteBuffer struct;
        private final ByteBuffer strings;
        private final int base;

        private record Open(String name, List<DtProperty> properties, List<DtNode> children) {}

        Parser(ByteBuffer struct, ByteBuffer strings, int base) {
            this.struct = struct;
            this.strings = strings;
            this.base = base;
        }

        DtNode parse() throws GunyahException {
            List<Open> stack = new ArrayList<>();
            DtNode root = null;
            while (true) {
                int at = base + struct.position();
                int token = struct.getInt();
                switch (token) {
                    case BEGIN_NODE -> {
                        if (root != null) {
                            throw invalid("a second root node at offset %d", at);
                        }
                        if (stack.size() >= MAX_DEPTH) {
                            throw invalid("nodes nested deeper than %d at offset %d", MAX_DEPTH, at);
                        }
                        stack.add(new Open(cString(struct, at), new ArrayList<>(), new ArrayList<>()));
                        align();
                    }
                    case PROP -> {
                        if (stack.isEmpty()) {
                            throw invalid("property outside any node at offset %d", at);
                        }
                        int len = struct.getInt();
                        int nameOff = struct.getInt();
                        if (len < 0 || len > struct.remaining()) {
                            throw invalid("property of %d bytes at offset %d runs past the structure block", len, at);
                        }
                        if (nameOff < 0 || nameOff >= strings.limit()) {
                            throw invalid(
                                    "property name offset %d at offset %d is outside the strings block", nameOff, at);
                        }
                        byte[] value = new byte[len];
                        struct.get(value);
                        align();
                        stack.getLast()
                                .properties()
                                .add(new DtProperty(cString(strings.duplicate().position(nameOff), at), value));
                    }
                    case END_NODE -> {
                        if (stack.isEmpty()) {
                            throw invalid("unbalanced END_NODE at offset %d", at);
                        }
                        Open open = stack.removeLast();
                        DtNode node = new DtNode(open.name(), open.properties(), open.children());
                        if (stack.isEmpty()) {
                            root = node;
                        } else {
                            stack.getLast().children().add(node);
                        }
                    }
                    case NOP -> {}
                    case END -> {
                        if (!stack.isEmpty() || root == null) {
                            throw invalid("END at offset %d with %d node(s) still open", at, stack.size());
                        }
                        return root;
                    }
                    default -> throw invalid("unknown token 0x%x at offset %d", token, at);
                }
            }
        }

        private void align() {
            int p = struct.position();
            int aligned = (p + 3) & ~3;
            if (aligned > struct.limit()) {
                throw new IndexOutOfBoundsException();
            }
            struct.position(aligned);
        }

        private static String cString(ByteBuffer b, int at) throws GunyahException {
            int start = b.position();
            while (true) {
                if (!b.hasRemaining()) {
                    throw invalid("unterminated name at offset %d", at);
                }
                if (b.get() == 0) {
                    break;
                }
            }
            byte[] bytes = new byte[b.position() - start - 1];
            b.duplicate().position(start).get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
