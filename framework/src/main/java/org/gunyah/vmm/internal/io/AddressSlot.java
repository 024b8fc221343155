package org.gunyah.vmm.internal.io;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.spi.IoHandler;

/**
 * The handlers at one address, immutable. Either one any-length handler (length 0) that excludes
 * every other, or per access length one plain handler or any number of datamatch handlers with
 * distinct values: exactly the classes the kernel's comparator treats as equal.
 */
record AddressSlot(IoHandler anyLength, ByLength[] byLength) {
    static final AddressSlot EMPTY = new AddressSlot(null, new ByLength[9]);

    /** The handlers of one access length: a plain one, or datamatch ones by value. */
    record ByLength(IoHandler plain, Map<Long, IoHandler> byValue) {
        boolean isEmpty() {
            return plain == null && byValue.isEmpty();
        }
    }

    IoHandler collision(IoHandler h) {
        if (anyLength != null) {
            return anyLength;
        }
        if (h.length() == 0) {
            return first();
        }
        ByLength l = byLength[h.length()];
        if (l == null) {
            return null;
        }
        if (l.plain() != null) {
            return l.plain();
        }
        if (!h.datamatch()) {
            return l.byValue().values().iterator().next();
        }
        return l.byValue().get(h.data());
    }

    IoHandler match(int length, long value) {
        if (anyLength != null) {
            return anyLength;
        }
        if (length < 1 || length > 8) {
            return null;
        }
        ByLength l = byLength[length];
        if (l == null) {
            return null;
        }
        return l.plain() != null ? l.plain() : l.byValue().get(value);
    }

    AddressSlot with(IoHandler h) {
        if (h.length() == 0) {
            return new AddressSlot(h, byLength);
        }
        ByLength[] copy = byLength.clone();
        ByLength old = copy[h.length()];
        if (!h.datamatch()) {
            copy[h.length()] = new ByLength(h, Map.of());
        } else {
            Map<Long, IoHandler> values = new HashMap<>(old == null ? Map.of() : old.byValue());
            values.put(h.data(), h);
            copy[h.length()] = new ByLength(null, values);
        }
        return new AddressSlot(null, copy);
    }

    boolean holds(IoHandler h) {
        if (anyLength == h) {
            return true;
        }
        if (h.length() < 1 || h.length() > 8 || byLength[h.length()] == null) {
            return false;
        }
        ByLength l = byLength[h.length()];
        return l.plain() == h || (h.datamatch() && l.byValue().get(h.data()) == h);
    }

    AddressSlot without(IoHandler h) {
        if (anyLength == h) {
            return EMPTY;
        }
        ByLength[] copy = byLength.clone();
        ByLength old = copy[h.length()];
        if (old.plain() == h) {
            copy[h.length()] = null;
        } else {
            Map<Long, IoHandler> values = new HashMap<>(old.byValue());
            values.remove(h.data());
            copy[h.length()] = values.isEmpty() ? null : new ByLength(null, values);
        }
        return new AddressSlot(null, copy);
    }

    boolean isEmpty() {
        return first() == null;
    }

    int size() {
        int n = anyLength != null ? 1 : 0;
        for (ByLength l : byLength) {
            if (l != null) {
                n += l.plain() != null ? 1 : l.byValue().size();
            }
        }
        return n;
    }

    void collectInto(List<IoHandler> out) {
        if (anyLength != null) {
            out.add(anyLength);
        }
        for (ByLength l : byLength) {
            if (l != null) {
                if (l.plain() != null) {
                    out.add(l.plain());
                }
                out.addAll(l.byValue().values());
            }
        }
    }

    private IoHandler first() {
        if (anyLength != null) {
            return anyLength;
        }
        for (ByLength l : byLength) {
            if (l != null && !l.isEmpty()) {
                return l.plain() != null
                        ? l.plain()
                        : l.byValue().values().iterator().next();
            }
        }
        return null;
    }
}
