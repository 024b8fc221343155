package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * A guest's virtio-net driver as Linux's virtio_mmio and virtio_net drive the registers: it
 * negotiates VERSION_1 and the card's features, sets up the receive and transmit queues in a
 * {@link FakeRam}, posts receive buffers and sends frames, one chain per frame with its header.
 */
final class Guest {
    static final Duration BOUND = Duration.ofSeconds(10);
    static final int MAGIC_VALUE = 0x000;
    static final int DEVICE_ID = 0x008;
    static final int DEVICE_FEATURES = 0x010;
    static final int DEVICE_FEATURES_SEL = 0x014;
    static final int DRIVER_FEATURES = 0x020;
    static final int DRIVER_FEATURES_SEL = 0x024;
    static final int QUEUE_SEL = 0x030;
    static final int QUEUE_NUM = 0x038;
    static final int QUEUE_READY = 0x044;
    static final int QUEUE_DESC_LOW = 0x080;
    static final int QUEUE_DRIVER_LOW = 0x090;
    static final int QUEUE_DEVICE_LOW = 0x0a0;
    static final int STATUS = 0x070;
    static final int CONFIG = 0x100;
    static final long VERSION_1 = 1L << 32;
    static final int QUEUE_SIZE = 16;

    final FakeRam ram;
    final FakeContext context;
    MmioDevice registers;
    final Ring rx;
    final Ring tx;
    private long nextBuffer;

    Guest(FakeRam ram, FakeContext context, MmioDevice registers) {
        this.ram = ram;
        this.context = context;
        this.registers = registers;
        this.rx = new Ring(FakeRam.BASE, QUEUE_SIZE);
        this.tx = new Ring(FakeRam.BASE + 0x1000, QUEUE_SIZE);
        this.nextBuffer = FakeRam.BASE + 0x10000;
    }

    int read(int offset) {
        return (int) registers.read(offset, 4);
    }

    void write(int offset, int value) {
        registers.write(offset, 4, Integer.toUnsignedLong(value));
    }

    /** Probe, features, both queues, DRIVER_OK. */
    void start() {
        assertEquals(0x74726976, read(MAGIC_VALUE));
        write(STATUS, 0);
        write(STATUS, 1);
        write(STATUS, 3);
        write(DEVICE_FEATURES_SEL, 1);
        long offered = (long) read(DEVICE_FEATURES) << 32;
        write(DEVICE_FEATURES_SEL, 0);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES));
        long chosen = offered & (VERSION_1 | NetworkCard.FEATURES);
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (chosen >>> 32));
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) chosen);
        write(STATUS, 11);
        assertTrue((read(STATUS) & 8) != 0, "FEATURES_OK kept");
        setUp(0, rx);
        setUp(1, tx);
        write(STATUS, 15);
    }

    private void setUp(int index, Ring ring) {
        write(QUEUE_SEL, index);
        write(QUEUE_NUM, ring.size);
        write(QUEUE_DESC_LOW, (int) ring.desc);
        write(QUEUE_DESC_LOW + 4, (int) (ring.desc >>> 32));
        write(QUEUE_DRIVER_LOW, (int) ring.avail);
        write(QUEUE_DRIVER_LOW + 4, (int) (ring.avail >>> 32));
        write(QUEUE_DEVICE_LOW, (int) ring.used);
        write(QUEUE_DEVICE_LOW + 4, (int) (ring.used >>> 32));
        write(QUEUE_READY, 1);
    }

    /** The configuration space's byte at {@code offset}, read as Linux reads the MAC: a byte at a time. */
    int config(int offset, int size) {
        return (int) registers.read(CONFIG + offset, size);
    }

    private long allocate(int length) {
        long at = nextBuffer;
        nextBuffer += (length + 15) & ~15;
        return at;
    }

    /** Posts a receive buffer of {@code length} bytes and kicks the receive queue: its address. */
    long postReceive(int length) {
        long at = allocate(length);
        rx.add(at, length, true);
        context.ring(0);
        return at;
    }

    /** Sends {@code frame} after a zero header in one readable buffer and kicks the transmit queue. */
    void send(byte[] frame) {
        long at = allocate(NetworkCard.HEADER + frame.length);
        ram.put(at, new byte[NetworkCard.HEADER]);
        ram.put(at + NetworkCard.HEADER, frame);
        tx.add(at, NetworkCard.HEADER + frame.length, false);
        context.ring(1);
    }

    /** Waits for the device to have used {@code count} chains of {@code ring}. */
    void awaitUsed(Ring ring, int count) throws InterruptedException {
        assertTrue(context.await(() -> ring.usedIdx() >= count, BOUND), "used " + ring.usedIdx() + " of " + count);
    }

    /** The driver's side of a split virtqueue: descriptors, then the available ring, then the used ring. */
    final class Ring {
        final int size;
        final long desc;
        final long avail;
        final long used;
        private int next;

        Ring(long at, int size) {
            this.size = size;
            this.desc = at;
            this.avail = at + 16L * size;
            this.used = (avail + 6 + 2L * size + 3) & ~3L;
        }

        void add(long address, int length, boolean writable) {
            int d = next % size;
            ram.putLong(desc + 16L * d, address);
            ram.putInt(desc + 16L * d + 8, length);
            ram.putShort(desc + 16L * d + 12, writable ? 2 : 0);
            ram.putShort(desc + 16L * d + 14, 0);
            ram.putShort(avail + 4 + 2L * d, d);
            next++;
            ram.putShort(avail + 2, next);
        }

        int usedIdx() {
            return ram.getShort(used + 2);
        }

        /** The used length of the {@code i}th used element. */
        int usedLength(int i) {
            return ram.getInt(used + 4 + 8L * (i % size) + 4);
        }
    }
}
