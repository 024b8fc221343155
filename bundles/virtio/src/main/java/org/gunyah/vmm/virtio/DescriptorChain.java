package org.gunyah.vmm.virtio;

import java.util.List;

/**
 * A descriptor chain the driver made available, as the queue read it once and checked it: the
 * head's index (what completes it) and its buffers in order, the device-readable ones first.
 * Every buffer lies in guest RAM; zero-length descriptors are left out, as they carry nothing.
 */
public record DescriptorChain(int head, List<Buffer> buffers) {
    /** One buffer of guest memory: device-writable, or device-readable. */
    public record Buffer(long address, int length, boolean writable) {
        /** The buffer's length as the unsigned 32-bit value it is. */
        public long size() {
            return Integer.toUnsignedLong(length);
        }
    }

    public DescriptorChain {
        buffers = List.copyOf(buffers);
    }

    /** The bytes the device may read: the readable buffers' total. */
    public long readableLength() {
        return length(false);
    }

    /** The bytes the device may write: the writable buffers' total. */
    public long writableLength() {
        return length(true);
    }

    private long length(boolean writable) {
        long total = 0;
        for (Buffer b : buffers) {
            if (b.writable() == writable) {
                total += b.size();
            }
        }
        return total;
    }
}
