package org.gunyah.vmm.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Shared helpers of the argument records. */
final class Args {
    private Args() {}

    static void requireSize(String function, byte[] arg, int size) throws GunyahException {
        int actual = arg == null ? 0 : arg.length;
        if (actual != size) {
            throw GunyahException.of(
                    Errno.EINVAL, "%s argument must be exactly %d bytes, got %d", function, size, actual);
        }
    }

    static ByteBuffer le(byte[] arg) {
        return ByteBuffer.wrap(arg).order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer le(ByteBuffer buffer) {
        return buffer.order(ByteOrder.LITTLE_ENDIAN);
    }
}
