package org.gunyah.vmm.api.dt;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A devicetree node: a name (with its unit address, e.g. {@code cpu@1}), properties and children. */
public record DtNode(String name, List<DtProperty> properties, List<DtNode> children) {

    public DtNode {
        properties = List.copyOf(properties);
        children = List.copyOf(children);
    }

    public Optional<DtProperty> property(String propertyName) {
        return properties.stream().filter(p -> p.name().equals(propertyName)).findFirst();
    }

    public Optional<DtNode> child(String childName) {
        return children.stream().filter(c -> c.name().equals(childName)).findFirst();
    }

    /** The node at {@code path}, relative to this one: {@code "/cpus/cpu@0"} or {@code "cpus/cpu@0"}. */
    public Optional<DtNode> find(String path) {
        DtNode node = this;
        for (String part : path.split("/")) {
            if (part.isEmpty()) {
                continue;
            }
            Optional<DtNode> next = node.child(part);
            if (next.isEmpty()) {
                return next;
            }
            node = next.get();
        }
        return Optional.of(node);
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a node; property values follow the devicetree conventions (big-endian cells). */
    public static final class Builder {
        private final String name;
        private final List<DtProperty> properties = new ArrayList<>();
        private final List<DtNode> children = new ArrayList<>();

        private Builder(String name) {
            this.name = name;
        }

        /** An empty (boolean) property. */
        public Builder property(String propertyName) {
            return property(propertyName, new byte[0]);
        }

        public Builder property(String propertyName, byte[] value) {
            properties.add(new DtProperty(propertyName, value));
            return this;
        }

        /** A string list. */
        public Builder property(String propertyName, String... strings) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (String s : strings) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                out.write(0);
            }
            return property(propertyName, out.toByteArray());
        }

        /** u32 cells. */
        public Builder property(String propertyName, int... cells) {
            ByteBuffer b = ByteBuffer.allocate(4 * cells.length);
            for (int c : cells) {
                b.putInt(c);
            }
            return property(propertyName, b.array());
        }

        public Builder propertyU64(String propertyName, long... values) {
            ByteBuffer b = ByteBuffer.allocate(8 * values.length);
            for (long v : values) {
                b.putLong(v);
            }
            return property(propertyName, b.array());
        }

        public Builder child(DtNode child) {
            children.add(child);
            return this;
        }

        public DtNode build() {
            return new DtNode(name, properties, children);
        }
    }
}
