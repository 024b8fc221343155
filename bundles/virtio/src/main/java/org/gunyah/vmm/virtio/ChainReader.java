package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.VirtqueueException.Reason.BAD_INDIRECT;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.CHAIN_TOO_LARGE;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.CHAIN_TOO_LONG;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.EMPTY_CHAIN;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.INDEX_OUT_OF_RANGE;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.LOOP;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.OUTSIDE_RAM;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.READABLE_AFTER_WRITABLE;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;

/**
 * Walks one descriptor chain from its head through the queue's table and at most one indirect
 * table. Each descriptor is read once into locals and checked after reading, since the guest may
 * rewrite the table meanwhile; the walk is bounded by the table's entries, so a loop ends it.
 */
final class ChainReader {
    static final int DESCRIPTOR_BYTES = 16;
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;
    static final int F_INDIRECT = 4;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final GuestRam ram;
    private final MemorySegment table;
    private final int size;
    private final boolean indirectAllowed;

    ChainReader(GuestRam ram, MemorySegment table, int size, boolean indirectAllowed) {
        this.ram = ram;
        this.table = table;
        this.size = size;
        this.indirectAllowed = indirectAllowed;
    }

    DescriptorChain read(int head) throws VirtqueueException {
        if (head >= size) {
            throw VirtqueueException.of(INDEX_OUT_OF_RANGE, "head %d of a queue of %d", head, size);
        }
        Buffers buffers = new Buffers(head);
        MemorySegment t = table;
        long entries = size;
        boolean inIndirect = false;
        long visited = 0;
        int i = head;
        while (true) {
            if (++visited > entries) {
                throw VirtqueueException.of(
                        LOOP,
                        "chain at head %d visits more than the %d descriptors of its %s",
                        head,
                        entries,
                        inIndirect ? "indirect table" : "queue");
            }
            long at = (long) i * DESCRIPTOR_BYTES;
            long address = t.get(U64, at);
            int length = t.get(U32, at + 8);
            int flags = t.get(U16, at + 12) & 0xffff;
            int next = t.get(U16, at + 14) & 0xffff;
            if ((flags & F_INDIRECT) != 0) {
                checkIndirect(head, inIndirect, visited, flags, length);
                t = slice(address, Integer.toUnsignedLong(length), "indirect table");
                entries = Integer.toUnsignedLong(length) / DESCRIPTOR_BYTES;
                inIndirect = true;
                visited = 0;
                i = 0;
                continue;
            }
            buffers.add(address, length, (flags & F_WRITE) != 0);
            if ((flags & F_NEXT) == 0) {
                return buffers.chain();
            }
            if (next >= entries) {
                throw VirtqueueException.of(
                        INDEX_OUT_OF_RANGE, "next %d in a table of %d (chain at head %d)", next, entries, head);
            }
            i = next;
        }
    }

    /** Virtio 1.2 section 2.7.5.3: one table per chain, as its only descriptor, a whole number of entries. */
    private void checkIndirect(int head, boolean inIndirect, long visited, int flags, int length)
            throws VirtqueueException {
        if (!indirectAllowed) {
            throw VirtqueueException.of(BAD_INDIRECT, "chain at head %d is indirect, not negotiated", head);
        }
        if (inIndirect) {
            throw VirtqueueException.of(BAD_INDIRECT, "chain at head %d nests an indirect table", head);
        }
        if (visited > 1 || (flags & F_NEXT) != 0) {
            throw VirtqueueException.of(BAD_INDIRECT, "chain at head %d: an indirect descriptor with others", head);
        }
        if (length == 0 || Integer.remainderUnsigned(length, DESCRIPTOR_BYTES) != 0) {
            throw VirtqueueException.of(
                    BAD_INDIRECT,
                    "chain at head %d: indirect table of %d bytes, not n*16 with n>0",
                    head,
                    Integer.toUnsignedLong(length));
        }
    }

    private MemorySegment slice(long address, long length, String what) throws VirtqueueException {
        try {
            return ram.slice(address, length);
        } catch (GunyahException e) {
            throw VirtqueueException.of(OUTSIDE_RAM, "%s [0x%x, +0x%x) is not all RAM", what, address, length);
        }
    }

    /** The chain's buffers as they are read, with the rules on their order, place and sum. */
    private final class Buffers {
        private final int head;
        private final List<DescriptorChain.Buffer> list = new ArrayList<>();
        private long descriptors;
        private long total;
        private boolean writableSeen;

        Buffers(int head) {
            this.head = head;
        }

        void add(long address, int length, boolean writable) throws VirtqueueException {
            if (++descriptors > size) {
                throw VirtqueueException.of(
                        CHAIN_TOO_LONG, "chain at head %d is longer than the queue's %d", head, size);
            }
            if (writableSeen && !writable) {
                throw VirtqueueException.of(
                        READABLE_AFTER_WRITABLE,
                        "chain at head %d: a readable buffer at 0x%x after a writable one",
                        head,
                        address);
            }
            writableSeen |= writable;
            long bytes = Integer.toUnsignedLong(length);
            if (bytes == 0) {
                return;
            }
            if (!ram.contains(address, bytes)) {
                throw VirtqueueException.of(
                        OUTSIDE_RAM, "chain at head %d: buffer [0x%x, +0x%x) is not all RAM", head, address, bytes);
            }
            total += bytes;
            if (total >= 1L << 32) {
                throw VirtqueueException.of(CHAIN_TOO_LARGE, "chain at head %d holds 4 GiB or more", head);
            }
            list.add(new DescriptorChain.Buffer(address, length, writable));
        }

        DescriptorChain chain() throws VirtqueueException {
            if (total == 0) {
                throw VirtqueueException.of(EMPTY_CHAIN, "chain at head %d holds no byte", head);
            }
            return new DescriptorChain(head, list);
        }
    }
}
