package org.gunyah.vmm.virtio;

/**
 * Feature bits the transport and its queues own (virtio 1.2 section 6), as masks of the 64-bit
 * feature word. Bits 0 to 23 belong to the device type; the transport offers the ones here itself.
 */
public final class VirtioFeatures {
    /** VIRTIO_F_INDIRECT_DESC (28): descriptors may point at a table of descriptors. */
    public static final long INDIRECT_DESC = 1L << 28;
    /** VIRTIO_F_EVENT_IDX (29): used_event and avail_event replace the ring flags. */
    public static final long EVENT_IDX = 1L << 29;
    /** VIRTIO_F_VERSION_1 (32): a modern driver; the only kind this transport accepts. */
    public static final long VERSION_1 = 1L << 32;

    /** What the transport offers on top of the device's own features. */
    public static final long TRANSPORT = INDIRECT_DESC | EVENT_IDX | VERSION_1;

    /**
     * The bits a device may offer: its type's (0-23) and the ones after the reserved transport
     * range (50 and up); 24-49 are the transport's, offered only if it implements them.
     */
    public static final long DEVICE_MASK = (1L << 24) - 1 | -1L << 50;

    private VirtioFeatures() {}
}
