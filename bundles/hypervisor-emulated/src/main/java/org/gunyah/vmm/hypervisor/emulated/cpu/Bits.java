package org.gunyah.vmm.hypervisor.emulated.cpu;

/** The Arm ARM's bit helpers: bitmask immediates, rotates, replication. */
final class Bits {
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
     * DecodeBitMasks: {wmask, tmask}, or null for a reserved encoding (undefined instruction).
     * {@code immediate} rejects the all-ones element, as logical immediates must.
     */
    static long[] decodeBitMasks(int n, int imms, int immr, boolean immediate, int width) {
        int combined = (n << 6) | (~imms & 0x3f);
        if (combined == 0) {
            return null;
        }
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1 || (1 << len) > width) {
            return null;
        }
        int levels = (int) ones(len);
        if (immediate && (imms & levels) == levels) {
            return null;
        }
        int s = imms & levels;
        int r = immr & levels;
        int d = (s - r) & levels;
        int esize = 1 << len;
        long welem = ones(s + 1);
        long telem = ones(d + 1);
        return new long[] {replicate(ror(welem, r, esize), esize, width), replicate(telem, esize, width)};
    }

    static long signExtend(long v, int bits) {
        int shift = 64 - bits;
        return (v << shift) >> shift;
    }
}
