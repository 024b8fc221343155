package org.gunyah.vmm.virtio;

import java.util.Optional;

/**
 * A queue as a device uses it once the driver is ready: take chains, give them back. Any thread;
 * calls are serialised by the transport. When the driver broke the queue's rules the transport
 * has already told the driver (DEVICE_NEEDS_RESET) and the queue stays empty until its reset; a
 * handle from before a reset stays empty and ignores completions, so a late worker harms nothing.
 */
public interface Virtqueue {
    /** The queue's index on its device. */
    int index();

    /** The queue's size as the driver set it. */
    int size();

    /** The next chain the driver made available, checked; empty when there is none or the queue is broken. */
    Optional<DescriptorChain> next();

    /**
     * Gives {@code chain} back with {@code bytesWritten} bytes written into its writable buffers, and
     * interrupts the driver if it asked for it.
     *
     * @throws IllegalArgumentException when more bytes are claimed than the chain's writable buffers hold
     */
    void complete(DescriptorChain chain, long bytesWritten);
}
