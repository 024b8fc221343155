package org.gunyah.vmm.virtio;

import java.util.Objects;

/**
 * The driver broke a rule of the split virtqueue (virtio 1.2 section 2.7): what it wrote in guest
 * memory cannot be a descriptor chain, or the queue's configuration cannot be a queue. The message
 * names the rule and the values; {@link #reason()} is the rule, for code.
 */
public final class VirtqueueException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which rule the driver broke. */
    public enum Reason {
        /** The queue's size is not a power of two in [1, 32768], or a ring is misaligned. */
        BAD_LAYOUT,
        /** A ring, a descriptor table or a buffer is not all guest RAM. */
        OUTSIDE_RAM,
        /** The available index ran further ahead of the last one seen than the queue is long. */
        AVAIL_INDEX_AHEAD,
        /** A chain's head, or a descriptor's next, is not an index of its table. */
        INDEX_OUT_OF_RANGE,
        /** A descriptor was visited twice: more descriptors than the table holds. */
        LOOP,
        /** The chain has more descriptors than the queue's size. */
        CHAIN_TOO_LONG,
        /** The chain's buffers hold no byte. */
        EMPTY_CHAIN,
        /** The chain's buffers together hold 4 GiB or more. */
        CHAIN_TOO_LARGE,
        /** A device-readable buffer follows a device-writable one. */
        READABLE_AFTER_WRITABLE,
        /** An indirect descriptor breaks a rule of indirect tables. */
        BAD_INDIRECT
    }

    private final Reason reason;

    public VirtqueueException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = Objects.requireNonNull(reason);
    }

    public static VirtqueueException of(Reason reason, String format, Object... args) {
        return new VirtqueueException(reason, String.format(format, args));
    }

    public Reason reason() {
        return reason;
    }
}
