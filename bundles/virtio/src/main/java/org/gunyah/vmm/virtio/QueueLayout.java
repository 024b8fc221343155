package org.gunyah.vmm.virtio;

/**
 * Where a split virtqueue lies in guest physical memory, as the driver configured it: its size
 * (descriptors in the table, entries in each ring) and the start of its three areas. Values are
 * taken as given; {@link SplitVirtqueue} checks them.
 */
public record QueueLayout(int size, long descriptors, long driver, long device) {
    /** The largest queue size of a split virtqueue (virtio 1.2 section 2.7). */
    public static final int MAX_SIZE = 32768;

    /** Bytes of the descriptor table: 16 per descriptor. */
    public long descriptorBytes() {
        return 16L * size;
    }

    /** Bytes of the driver (available) ring: flags, idx, the ring, used_event. */
    public long driverBytes() {
        return 6 + 2L * size;
    }

    /** Bytes of the device (used) ring: flags, idx, the ring of {id, len}, avail_event. */
    public long deviceBytes() {
        return 6 + 8L * size;
    }
}
