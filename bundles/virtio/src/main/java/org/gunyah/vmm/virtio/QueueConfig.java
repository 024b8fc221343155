package org.gunyah.vmm.virtio;

/**
 * One queue's registers as the driver set them, and where its indexes start when it is activated
 * (0, or the positions a predecessor left). Guarded by the transport's monitor.
 */
final class QueueConfig {
    final int maxSize;
    int size;
    boolean ready;
    long descriptors;
    long driver;
    long device;
    int lastAvail;
    int usedIdx;

    QueueConfig(int maxSize) {
        this.maxSize = maxSize;
        reset();
    }

    /** As after a device reset: size at its maximum (QEMU's default too), nothing else set. */
    void reset() {
        size = maxSize;
        ready = false;
        descriptors = 0;
        driver = 0;
        device = 0;
        lastAvail = 0;
        usedIdx = 0;
    }

    QueueLayout layout() {
        return new QueueLayout(size, descriptors, driver, device);
    }

    static long low(long address, int value) {
        return address & 0xffff_ffff_0000_0000L | Integer.toUnsignedLong(value);
    }

    static long high(long address, int value) {
        return address & 0xffff_ffffL | (long) value << 32;
    }
}
