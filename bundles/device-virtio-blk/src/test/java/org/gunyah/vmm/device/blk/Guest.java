package org.gunyah.vmm.device.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.virtio.DeviceStatus;
import org.gunyah.vmm.virtio.MmioTransport;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * The driver's side of one virtio-blk device in a {@link FakeRam}, as Linux's virtio_mmio and
 * virtio_blk drive it: the handshake, one split queue laid out as virtio_ring does, requests made
 * of buffers, and their completions awaited on the interrupt (bounded).
 */
final class Guest {
    static final int MAGIC_VALUE = 0x000;
    static final int DEVICE_ID = 0x008;
    static final int DEVICE_FEATURES = 0x010;
    static final int DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020;
    static final int DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030;
    static final int QUEUE_NUM_MAX = 0x034;
    static final int QUEUE_NUM = 0x038;
    static final int QUEUE_READY = 0x044;
    static final int INTERRUPT_STATUS = 0x060;
    static final int INTERRUPT_ACK = 0x064;
    static final int STATUS = 0x070;
    static final int QUEUE_DESC_LOW = 0x080;
    static final int QUEUE_DRIVER_LOW = 0x090;
    static final int QUEUE_DEVICE_LOW = 0x0a0;
    static final int CONFIG = 0x100;
    static final long VERSION_1 = 1L << 32;
    static final int F_NEXT = 1;
    static final int F_WRITE = 2;

    /** A buffer of a request: where, how long, and whether the device writes it. */
    record Buf(long address, int length, boolean writable) {
        static Buf in(long address, int length) {
            return new Buf(address, length, false);
        }

        static Buf out(long address, int length) {
            return new Buf(address, length, true);
        }
    }

    final FakeRam ram;
    final FakeContext context;
    final int size = BlockDevice.QUEUE_SIZE;
    final long desc = FakeRam.BASE;
    final long avail = desc + 16L * size;
    final long used = (avail + 6 + 2L * size + 3) & ~3L;
    MmioDevice registers;
    long features;
    private int free;
    private int availIdx;
    private int seenUsed;

    Guest(FakeContext context) {
        this.context = context;
        this.ram = context.ram;
    }

    /** Where buffers go: past the rings, page aligned. */
    static long heap(long offset) {
        return FakeRam.BASE + 0x10000 + offset;
    }

    int read(int offset) {
        return (int) registers.read(offset, 4);
    }

    void write(int offset, int value) {
        registers.write(offset, 4, Integer.toUnsignedLong(value));
    }

    long config(int offset, int bytes) {
        return registers.read(CONFIG + offset, bytes);
    }

    /** Probe, features (all the device offers, with VERSION_1), the queue, DRIVER_OK. */
    Guest start(Device device) {
        registers = device.registers();
        assertEquals(MmioTransport.MAGIC, read(MAGIC_VALUE));
        assertEquals(BlockDevice.DEVICE_ID, read(DEVICE_ID));
        write(STATUS, 0);
        write(STATUS, DeviceStatus.ACKNOWLEDGE);
        write(STATUS, DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER);
        write(DEVICE_FEATURES_SEL, 1);
        long offered = (long) read(DEVICE_FEATURES) << 32;
        write(DEVICE_FEATURES_SEL, 0);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES));
        features = offered & (VERSION_1 | (1L << 24) - 1);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (features >>> 32));
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) features);
        write(STATUS, read(STATUS) | DeviceStatus.FEATURES_OK);
        assertTrue((read(STATUS) & DeviceStatus.FEATURES_OK) != 0, "the device kept FEATURES_OK");
        write(QUEUE_SEL, 0);
        assertTrue(read(QUEUE_NUM_MAX) >= size);
        write(QUEUE_NUM, size);
        write(QUEUE_DESC_LOW, (int) desc);
        write(QUEUE_DESC_LOW + 4, (int) (desc >>> 32));
        write(QUEUE_DRIVER_LOW, (int) avail);
        write(QUEUE_DRIVER_LOW + 4, (int) (avail >>> 32));
        write(QUEUE_DEVICE_LOW, (int) used);
        write(QUEUE_DEVICE_LOW + 4, (int) (used >>> 32));
        write(QUEUE_READY, 1);
        write(STATUS, read(STATUS) | DeviceStatus.DRIVER_OK);
        assertTrue((read(STATUS) & DeviceStatus.DRIVER_OK) != 0, "the device runs");
        return this;
    }

    /** Chains {@code bufs} in free descriptors and makes the chain available, without a kick: its head. */
    int add(Buf... bufs) {
        int head = free % size;
        for (int i = 0; i < bufs.length; i++) {
            int d = free++ % size;
            boolean last = i == bufs.length - 1;
            long at = desc + 16L * d;
            ram.putLong(at, bufs[i].address());
            ram.putInt(at + 8, bufs[i].length());
            ram.putShort(at + 12, (last ? 0 : F_NEXT) | (bufs[i].writable() ? F_WRITE : 0));
            ram.putShort(at + 14, last ? 0 : (d + 1) % size);
        }
        ram.putShort(avail + 4 + 2L * (availIdx % size), head);
        availIdx = (availIdx + 1) & 0xffff;
        ram.putShort(avail + 2, availIdx);
        return head;
    }

    void kick() {
        context.ring(MmioTransport.NOTIFY_OFFSET, 0);
    }

    int usedIdx() {
        return ram.getShort(used + 2);
    }

    /** Used element {@code i}: {id, len}. */
    int[] usedElem(int i) {
        long at = used + 4 + 8L * (i % size);
        return new int[] {ram.getInt(at), ram.getInt(at + 4)};
    }

    /** Waits (bounded) until the device used {@code count} more chains; their {id, len} in order. */
    List<int[]> awaitUsed(int count) throws InterruptedException {
        int target = (seenUsed + count) & 0xffff;
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (usedIdx() != target) {
            long seen = context.changes();
            if (usedIdx() == target) {
                break;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            assertTrue(left > 0 && context.awaitChange(seen, left), "the device used " + usedIdx() + " of " + target);
            write(INTERRUPT_ACK, read(INTERRUPT_STATUS));
        }
        List<int[]> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(usedElem(seenUsed + i));
        }
        seenUsed = target;
        return list;
    }

    /** Makes a request available, kicks, and waits for it: its used length. */
    int request(Buf... bufs) throws InterruptedException {
        int head = add(bufs);
        kick();
        int[] elem = awaitUsed(1).getFirst();
        assertEquals(head, elem[0], "the request's chain came back");
        return elem[1];
    }

    /** Writes a request header at {@code at}: type, reserved, sector. */
    void header(long at, int type, long sector) {
        ram.putInt(at, type);
        ram.putInt(at + 4, 0);
        ram.putLong(at + 8, sector);
    }
}
