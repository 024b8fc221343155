package org.gunyah.vmm.internal.io;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.IoHandler;

/**
 * A VM's IO handlers with the kernel's collision rules, keyed by exact start address. The kernel
 * keeps one rb-tree ordered by a comparator that is not a strict order (length 0 equals any length,
 * datamatch equals no datamatch), which works for today's cases only by luck; here each
 * address has an immutable {@link AddressSlot} that states the rules directly. Dispatch runs on
 * vCPU threads without a lock (one hash lookup, constant in the number of handlers); changes are
 * serialised and replace the slot.
 */
public final class IoHandlerTable {
    private final ConcurrentHashMap<Long, AddressSlot> slots = new ConcurrentHashMap<>();
    /**
     * How many slots hash to each bucket. Most writes that reach {@link #find} have no handler (on
     * KVM the ioeventfds are matched in the kernel, so what exits is a device's or nobody's): an
     * empty bucket answers those without boxing the address into a key and searching the map.
     * Changed under the map's lock, after the slot is put and after it is removed: whoever saw
     * {@link #add} return sees the count.
     */
    private final AtomicIntegerArray buckets = new AtomicIntegerArray(BUCKETS);

    private static final int BUCKETS = 1024;

    /**
     * Adds a handler. EINVAL for a datamatch handler whose length is not 1..8 or whose value does
     * not fit in its length (it could never match), or a length above 8 (no access is that long);
     * EEXIST when it collides with a handler already at the address.
     */
    public void add(IoHandler handler) throws GunyahException {
        check(handler);
        synchronized (slots) {
            AddressSlot slot = slots.getOrDefault(handler.address(), AddressSlot.EMPTY);
            IoHandler clash = slot.collision(handler);
            if (clash != null) {
                throw GunyahException.of(
                        Errno.EEXIST, "IO handler %s collides with %s", describe(handler), describe(clash));
            }
            slots.put(handler.address(), slot.with(handler));
            if (slot.isEmpty()) {
                buckets.incrementAndGet(bucket(handler.address()));
            }
        }
    }

    /** Removes exactly this handler object; false if it was not there. */
    public boolean remove(IoHandler handler) {
        synchronized (slots) {
            AddressSlot slot = slots.get(handler.address());
            if (slot == null || !slot.holds(handler)) {
                return false;
            }
            AddressSlot rest = slot.without(handler);
            if (rest.isEmpty()) {
                slots.remove(handler.address());
                buckets.decrementAndGet(bucket(handler.address()));
            } else {
                slots.put(handler.address(), rest);
            }
            return true;
        }
    }

    /** The handler a guest write of {@code length} bytes of {@code value} at {@code address} goes to. */
    public IoHandler find(long address, int length, long value) {
        if (buckets.get(bucket(address)) == 0) {
            return null;
        }
        AddressSlot slot = slots.get(address);
        return slot == null ? null : slot.match(length, value & mask(length));
    }

    /** Offers the write to the matching handler: true when one took it. */
    public boolean write(long address, int length, long value) {
        IoHandler h = find(address, length, value);
        return h != null && h.write(address, length, value & mask(length));
    }

    public int size() {
        synchronized (slots) {
            return slots.values().stream().mapToInt(AddressSlot::size).sum();
        }
    }

    /** Every handler, for leak checks at teardown. */
    public List<IoHandler> all() {
        synchronized (slots) {
            List<IoHandler> all = new ArrayList<>();
            slots.values().forEach(s -> s.collectInto(all));
            return all;
        }
    }

    /** Fibonacci hashing: the top bits of the product depend on every bit of the address. */
    private static int bucket(long address) {
        return (int) ((address * 0x9E37_79B9_7F4A_7C15L) >>> (Long.SIZE - Integer.numberOfTrailingZeros(BUCKETS)));
    }

    static long mask(int length) {
        return length >= 8 ? -1L : (1L << (8 * length)) - 1;
    }

    private static void check(IoHandler h) throws GunyahException {
        if (h.datamatch() && (h.length() < 1 || h.length() > 8)) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "datamatch IO handler at 0x%x needs a length of 1..8, got %d",
                    h.address(),
                    h.length());
        }
        if (h.length() < 0 || h.length() > 8) {
            throw GunyahException.of(
                    Errno.EINVAL, "IO handler at 0x%x: length %d is not 0..8", h.address(), h.length());
        }
        if (h.datamatch() && (h.data() & ~mask(h.length())) != 0) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "IO handler at 0x%x: datamatch value 0x%x does not fit in %d bytes",
                    h.address(),
                    h.data(),
                    h.length());
        }
    }

    static String describe(IoHandler h) {
        return h.datamatch()
                ? String.format("{addr=0x%x, len=%d, datamatch=0x%x}", h.address(), h.length(), h.data())
                : String.format("{addr=0x%x, len=%d}", h.address(), h.length());
    }
}
