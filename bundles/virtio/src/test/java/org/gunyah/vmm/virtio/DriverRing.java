package org.gunyah.vmm.virtio;

import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * The driver's side of a split virtqueue in a {@link FakeRam}, as Linux's virtio_ring lays it out:
 * the descriptor table, then the available ring, then the used ring aligned to 4.
 */
final class DriverRing {
    static final int NEXT = ChainReader.F_NEXT;
    static final int WRITE = ChainReader.F_WRITE;
    static final int INDIRECT = ChainReader.F_INDIRECT;

    record Buf(long address, int length, boolean writable) {
        static Buf in(long address, int length) {
            return new Buf(address, length, false);
        }

        static Buf out(long address, int length) {
            return new Buf(address, length, true);
        }
    }

    final FakeRam ram;
    final int size;
    final long desc;
    final long avail;
    final long used;
    private int free;
    private int availIdx;

    DriverRing(FakeRam ram, long at, int size) {
        this.ram = ram;
        this.size = size;
        this.desc = at;
        this.avail = at + 16L * size;
        this.used = (avail + 6 + 2L * size + 3) & ~3L;
    }

    QueueLayout layout() {
        return new QueueLayout(size, desc, avail, used);
    }

    /** The end of the ring's memory: free for buffers and tables after it. */
    long end() {
        return used + 6 + 8L * size;
    }

    /** Chains {@code bufs} in free descriptors and makes the chain available: its head. */
    int add(Buf... bufs) {
        int head = free;
        for (int i = 0; i < bufs.length; i++) {
            int d = free++ % size;
            boolean last = i == bufs.length - 1;
            writeDesc(
                    d,
                    bufs[i].address(),
                    bufs[i].length(),
                    (last ? 0 : NEXT) | (bufs[i].writable() ? WRITE : 0),
                    last ? 0 : (d + 1) % size);
        }
        publish(head % size);
        return head % size;
    }

    /** Writes {@code bufs} as an indirect table at {@code table} and makes it available: its head. */
    int addIndirect(long table, Buf... bufs) {
        for (int i = 0; i < bufs.length; i++) {
            boolean last = i == bufs.length - 1;
            writeDescAt(
                    table + 16L * i,
                    bufs[i].address(),
                    bufs[i].length(),
                    (last ? 0 : NEXT) | (bufs[i].writable() ? WRITE : 0),
                    last ? 0 : i + 1);
        }
        int head = free++ % size;
        writeDesc(head, table, 16 * bufs.length, INDIRECT, 0);
        publish(head);
        return head;
    }

    void writeDesc(int index, long address, int length, int flags, int next) {
        writeDescAt(desc + 16L * index, address, length, flags, next);
    }

    static void writeDescAt(FakeRam ram, long at, long address, int length, int flags, int next) {
        ram.putLong(at, address);
        ram.putInt(at + 8, length);
        ram.putShort(at + 12, flags);
        ram.putShort(at + 14, next);
    }

    void writeDescAt(long at, long address, int length, int flags, int next) {
        writeDescAt(ram, at, address, length, flags, next);
    }

    /** Puts {@code head} in the next available entry and publishes it. */
    void publish(int head) {
        ram.putShort(avail + 4 + 2L * (availIdx % size), head);
        availIdx = (availIdx + 1) & 0xffff;
        ram.putShort(avail + 2, availIdx);
    }

    void setAvailIdx(int idx) {
        availIdx = idx & 0xffff;
        ram.putShort(avail + 2, availIdx);
    }

    void setAvailFlags(int flags) {
        ram.putShort(avail, flags);
    }

    void setUsedEvent(int event) {
        ram.putShort(avail + 4 + 2L * size, event);
    }

    int availEvent() {
        return ram.getShort(used + 4 + 8L * size);
    }

    int usedIdx() {
        return ram.getShort(used + 2);
    }

    /** The used element at ring position {@code i}: {id, len}. */
    int[] usedElem(int i) {
        long at = used + 4 + 8L * (i % size);
        return new int[] {ram.getInt(at), ram.getInt(at + 4)};
    }
}
