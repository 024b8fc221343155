package org.gunyah.vmm.api.dt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/** A devicetree property: a name and its raw big-endian value, with typed readings. */
public record DtProperty(String name, byte[] value) {

    public DtProperty {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    /** One u32 cell; IllegalStateException for any other length. */
    public int asU32() {
        requireLength(4);
        return ByteBuffer.wrap(value).getInt();
    }

    /** One u64 (two cells). */
    public long asU64() {
        requireLength(8);
        return ByteBuffer.wrap(value).getLong();
    }

    public int[] asU32Cells() {
        if (value.length % 4 != 0) {
            throw new IllegalStateException("property " + name + " has " + value.length + " bytes, not whole cells");
        }
        int[] cells = new int[value.length / 4];
        ByteBuffer.wrap(value).asIntBuffer().get(cells);
        return cells;
    }

    /** A NUL-terminated string list; IllegalStateException when not NUL-terminated. */
    public List<String> asStrings() {
        if (value.length == 0 || value[value.length - 1] != 0) {
            throw new IllegalStateException("property " + name + " is not a NUL-terminated string list");
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < value.length; i++) {
            if (value[i] == 0) {
                out.add(new String(value, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    public String asString() {
        return asStrings().getFirst();
    }

    private void requireLength(int length) {
        if (value.length != length) {
            throw new IllegalStateException("property " + name + " has " + value.length + " bytes, expected " + length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtProperty p && p.name.equals(name) && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + " = [" + HexFormat.of().formatHex(value) + "]";
    }
}
