package org.gunyah.vmm.virtio;

import java.util.List;

/**
 * A virtio device type behind an {@link MmioTransport}: what it offers, its configuration space,
 * and its life as the driver drives it. The transport calls these methods in the order of the
 * driver's actions (activate, notify..., reset) and never two at once, and never while it holds its
 * own monitor: a device may wait in {@link #reset} for workers that are completing chains.
 */
public interface VirtioDevice {
    /** The virtio device ID (virtio 1.2 section 5: 4 is an entropy source, 2 a block device...). */
    int deviceId();

    /** The device type's feature bits (0-23 and 50-63); the transport adds its own. */
    long features();

    /** How many queues the device has. */
    int queueCount();

    /** The largest size the driver may give queue {@code index}: a power of two up to 32768. */
    int queueMaxSize(int index);

    /** Bytes of the configuration space; accesses beyond them read 0 and are ignored. */
    int configSize();

    /** A driver's read of {@code size} (1, 2, 4 or 8) bytes at {@code offset}, inside the space. */
    long readConfig(int offset, int size);

    /** A driver's write of {@code size} bytes at {@code offset}, inside the space. */
    void writeConfig(int offset, int size, long value);

    /**
     * The driver set DRIVER_OK with {@code features} negotiated: the device may use its queues
     * (one entry per queue index, the ones the driver did not make ready absent from the list).
     * Called once per activation; a {@link #reset} ends it.
     */
    void activate(long features, List<Virtqueue> queues);

    /** The driver made buffers available on queue {@code index}. Must not block: hand work to a worker. */
    void notify(int index);

    /**
     * The driver reset the device: stop using the queues (their handles are already inert) and
     * return to the state before activation. Returns once no worker touches guest memory.
     */
    void reset();
}
