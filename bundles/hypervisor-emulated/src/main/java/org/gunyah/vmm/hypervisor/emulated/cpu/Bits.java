package org.gunyah.vmm.hypervisor.emulated.cpu;

/** The Arm ARM's bit helpers: bitmask immediates, rotates, replication. */
public final class Bits {
    static final long W = 0xffff_ffffL;

    private Bits() {}

    static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    static long ror(long v, int shift, int width) {
        if (shift == 0) {
            return v & ones(width);
        }
        v &= ones(width);
        return ((v >>> shift) | (v << (width - shift))) & ones(width);
    }

    static long replicate(long elem, int esize, int width) {
        long r = 0;
        for (int i = 0; i < width; i += esize) {
            r |= elem << i;
        }
        return r & ones(width);
    }

    /**
     * DecodeBitMasks' wmask for a logical immediate (N:imms:immr), or 0 for a reserved encoding
     * (0 is never a logical immediate): a run of imms + 1 ones, rotated right by immr, in an
     * element of 2, 4, .. 64 bits replicated over the width.
     */
    public static long logicalImmediate(int n, int imms, int immr, int width) {
        int len = 31 - Integer.numberOfLeadingZeros((n << 6) | (~imms & 0x3f));
        if (len < 1 || (1 << len) > width) {
            return 0;
        }
        int levels = (1 << len) - 1;
        int s = imms & levels;
        if (s == levels) {
            return 0;
        }
        int esize = 1 << len;
        return replicate(ror(ones(s + 1), immr & levels, esize), esize, width);
    }

    static long signExtend(long v, int bits) {
        int shift = 64 - bits;
        return (v << shift) >> shift;
    }
}
