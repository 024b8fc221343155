package org.gunyah.vmm.virtio;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * A device of two queues of at most 256 and an 8-byte configuration space (little-endian), that
 * records what the transport tells it and, on a notification, does what the test says.
 */
final class FakeDevice implements VirtioDevice {
    static final int ID = 4;
    /** A device-type feature bit to negotiate. */
    static final long OWN_FEATURE = 1L << 0;

    static final int QUEUES = 2;
    static final int MAX_SIZE = 256;

    final byte[] config = new byte[8];
    final List<Integer> notified = new CopyOnWriteArrayList<>();
    volatile List<Virtqueue> queues = List.of();
    volatile long features;
    volatile int activations;
    volatile int resets;
    volatile IntConsumer onNotify = i -> {};

    @Override
    public int deviceId() {
        return ID;
    }

    @Override
    public long features() {
        return OWN_FEATURE;
    }

    @Override
    public int queueCount() {
        return QUEUES;
    }

    @Override
    public int queueMaxSize(int index) {
        return MAX_SIZE;
    }

    @Override
    public int configSize() {
        return config.length;
    }

    @Override
    public synchronized long readConfig(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | (config[offset + i] & 0xff);
        }
        return v;
    }

    @Override
    public synchronized void writeConfig(int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            config[offset + i] = (byte) (value >>> 8 * i);
        }
    }

    @Override
    public void activate(long features, List<Virtqueue> queues) {
        this.features = features;
        this.queues = queues;
        activations++;
    }

    @Override
    public void notify(int index) {
        notified.add(index);
        onNotify.accept(index);
    }

    @Override
    public void reset() {
        queues = List.of();
        resets++;
    }

    Virtqueue queue(int index) {
        return queues.stream().filter(q -> q.index() == index).findFirst().orElseThrow();
    }
}
