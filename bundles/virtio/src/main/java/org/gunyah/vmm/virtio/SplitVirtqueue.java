package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.VirtqueueException.Reason.AVAIL_INDEX_AHEAD;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.BAD_LAYOUT;
import static org.gunyah.vmm.virtio.VirtqueueException.Reason.OUTSIDE_RAM;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;

/**
 * The device's side of a split virtqueue (virtio 1.2 section 2.7) in guest RAM: takes the chains
 * the driver makes available and returns them on the used ring. Not thread safe: one thread at a
 * time, which {@link MmioTransport} ensures for the queues it hands out. The rings' indexes are
 * free-running little-endian u16s; this side keeps its own (the last available index it took and
 * the used index it wrote) and never trusts the guest's copy of its own index.
 */
public final class SplitVirtqueue {
    /** VIRTQ_AVAIL_F_NO_INTERRUPT: without EVENT_IDX, the driver asks for no used-buffer interrupt. */
    static final int AVAIL_F_NO_INTERRUPT = 1;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private final QueueLayout layout;
    private final boolean eventIdx;
    private final MemorySegment avail;
    private final MemorySegment used;
    private final ChainReader reader;
    private int lastAvail;
    private int usedIdx;

    /** A queue the driver just made ready: both indexes at 0. */
    public SplitVirtqueue(GuestRam ram, QueueLayout layout, long features) throws VirtqueueException {
        this(ram, layout, features, 0, 0);
    }

    /**
     * A queue continuing from the indexes another device left it at: {@code lastAvail} is the next
     * available entry to take, {@code usedIdx} the next used entry to write. BAD_LAYOUT when the size
     * is not a power of two up to {@link QueueLayout#MAX_SIZE} or an area is misaligned (16, 2 and 4
     * bytes), OUTSIDE_RAM when an area is not all RAM.
     */
    public SplitVirtqueue(GuestRam ram, QueueLayout layout, long features, int lastAvail, int usedIdx)
            throws VirtqueueException {
        int size = layout.size();
        if (size <= 0 || size > QueueLayout.MAX_SIZE || Integer.bitCount(size) != 1) {
            throw VirtqueueException.of(
                    BAD_LAYOUT, "queue size %d is not a power of two up to %d", size, QueueLayout.MAX_SIZE);
        }
        if ((layout.descriptors() & 15) != 0 || (layout.driver() & 1) != 0 || (layout.device() & 3) != 0) {
            throw VirtqueueException.of(
                    BAD_LAYOUT,
                    "areas 0x%x, 0x%x, 0x%x are not aligned to 16, 2, 4",
                    layout.descriptors(),
                    layout.driver(),
                    layout.device());
        }
        this.layout = layout;
        this.eventIdx = (features & VirtioFeatures.EVENT_IDX) != 0;
        MemorySegment table = area(ram, layout.descriptors(), layout.descriptorBytes(), "descriptor table");
        this.avail = area(ram, layout.driver(), layout.driverBytes(), "driver ring");
        this.used = area(ram, layout.device(), layout.deviceBytes(), "device ring");
        this.reader = new ChainReader(ram, table, size, (features & VirtioFeatures.INDIRECT_DESC) != 0);
        this.lastAvail = lastAvail & 0xffff;
        this.usedIdx = usedIdx & 0xffff;
    }

    private static MemorySegment area(GuestRam ram, long address, long length, String what) throws VirtqueueException {
        try {
            return ram.slice(address, length);
        } catch (GunyahException e) {
            throw VirtqueueException.of(OUTSIDE_RAM, "%s [0x%x, +0x%x) is not all RAM", what, address, length);
        }
    }

    /**
     * The next chain the driver made available, read and checked; empty when there is none. A
     * malformed chain is a {@link VirtqueueException} and is not taken: the queue is then unusable
     * until the driver resets it.
     */
    public Optional<DescriptorChain> next() throws VirtqueueException {
        int pending = pending();
        if (pending == 0 && eventIdx) {
            // Ask for a notification at the next entry, then look again: the driver may have added
            // one after we read its index and before it could see our avail_event (section 2.7.10).
            setAvailEvent();
            VarHandle.fullFence();
            pending = pending();
        }
        if (pending == 0) {
            return Optional.empty();
        }
        // The ring entry and its descriptors were written before the index that published them.
        VarHandle.acquireFence();
        int head = avail.get(U16, 4 + 2L * (lastAvail & (layout.size() - 1))) & 0xffff;
        DescriptorChain chain = reader.read(head);
        lastAvail = (lastAvail + 1) & 0xffff;
        if (eventIdx) {
            // QEMU's choice: while we are still taking, the driver need only notify for the entry
            // after the last one we took.
            setAvailEvent();
        }
        return Optional.of(chain);
    }

    private int pending() throws VirtqueueException {
        int idx = avail.get(U16, 2) & 0xffff;
        int pending = (idx - lastAvail) & 0xffff;
        if (pending > layout.size()) {
            throw VirtqueueException.of(
                    AVAIL_INDEX_AHEAD,
                    "avail idx %d is %d ahead of %d, the queue holds %d",
                    idx,
                    pending,
                    lastAvail,
                    layout.size());
        }
        return pending;
    }

    private void setAvailEvent() {
        used.set(U16, 4 + 8L * layout.size(), (short) lastAvail);
    }

    /**
     * Returns {@code chain} to the driver with {@code bytesWritten} bytes written into its
     * writable buffers, and answers whether the driver wants a used-buffer interrupt for it.
     *
     * @throws IllegalArgumentException when the chain's head is not of this queue or more bytes are
     *     claimed than its writable buffers hold: the device's error, not the guest's
     */
    public boolean complete(DescriptorChain chain, long bytesWritten) {
        if (chain.head() >= layout.size()) {
            throw new IllegalArgumentException("head " + chain.head() + " of a queue of " + layout.size());
        }
        if (bytesWritten < 0 || bytesWritten > chain.writableLength()) {
            throw new IllegalArgumentException(
                    bytesWritten + " bytes written into a chain of " + chain.writableLength() + " writable");
        }
        long slot = 4 + 8L * (usedIdx & (layout.size() - 1));
        used.set(U32, slot, chain.head());
        used.set(U32, slot + 4, (int) bytesWritten);
        // The element must be visible before the index that publishes it (section 2.7.8.2).
        VarHandle.releaseFence();
        int old = usedIdx;
        usedIdx = (usedIdx + 1) & 0xffff;
        used.set(U16, 2, (short) usedIdx);
        // A store then a load of another location: only a full fence orders them, and the driver
        // may have changed used_event or its flags just before it saw our index.
        VarHandle.fullFence();
        if (eventIdx) {
            int usedEvent = avail.get(U16, 4 + 2L * layout.size()) & 0xffff;
            return needEvent(usedEvent, usedIdx, old);
        }
        return (avail.get(U16, 0) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    /** vring_need_event: whether the used index passed {@code event} going from old to new, mod 2^16. */
    static boolean needEvent(int event, int newIdx, int oldIdx) {
        return ((newIdx - event - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
    }

    public QueueLayout layout() {
        return layout;
    }

    /** The index of the next available entry to take (mod 2^16). */
    public int lastAvail() {
        return lastAvail;
    }

    /** The index of the next used entry to write (mod 2^16). */
    public int usedIndex() {
        return usedIdx;
    }
}
