package org.gunyah.vmm.tools.a64asm;

/** The N:immr:imms encoding of a logical immediate, or null when the value has none. */
final class BitmaskImmediate {
    private BitmaskImmediate() {}

    static Integer encode(long value, int width) {
        long mask = width == 64 ? -1L : (1L << width) - 1;
        value &= mask;
        if (value == 0 || value == mask) {
            return null;
        }
        for (int size = 2; size <= width; size <<= 1) {
            long elemMask = size == 64 ? -1L : (1L << size) - 1;
            long elem = value & elemMask;
            if (replicate(elem, size, width) != value) {
                continue;
            }
            int ones = Long.bitCount(elem);
            long run = (1L << ones) - 1;
            for (int r = 0; r < size; r++) {
                if (ror(run, r, size) == elem) {
                    int n = size == 64 ? 1 : 0;
                    int imms = ((~((size << 1) - 1)) & 0x3f) | (ones - 1);
                    return (n << 12) | (r << 6) | imms;
                }
            }
            return null;
        }
        return null;
    }

    private static long replicate(long elem, int size, int width) {
        long r = 0;
        for (int i = 0; i < width; i += size) {
            r |= elem << i;
        }
        return r;
    }

    private static long ror(long v, int r, int size) {
        if (r == 0) {
            return v;
        }
        long mask = size == 64 ? -1L : (1L << size) - 1;
        return ((v >>> r) | (v << (size - r))) & mask;
    }
}
