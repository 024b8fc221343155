package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Guest physical RAM: regions of host memory at guest addresses. An access that does not lie wholly
 * inside one region is not RAM; the CPU turns it into an MMIO exit (a stage-2 fault).
 */
public final class GuestMemory {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** One region of RAM. */
    public record Region(long base, MemorySegment segment) {
        boolean contains(long address, int size) {
            long offset = address - base;
            return Long.compareUnsigned(offset, segment.byteSize()) < 0
                    && Long.compareUnsigned(size, segment.byteSize() - offset) <= 0;
        }
    }

    private final Region[] regions;

    public GuestMemory(List<Region> regions) {
        this.regions = regions.toArray(Region[]::new);
    }

    /** The region holding [address, address + size), or null. */
    public Region find(long address, int size) {
        for (Region r : regions) {
            if (r.contains(address, size)) {
                return r;
            }
        }
        return null;
    }

    static long load(Region r, long address, int size) {
        long off = address - r.base();
        MemorySegment s = r.segment();
        return switch (size) {
            case 1 -> s.get(U8, off) & 0xffL;
            case 2 -> s.get(U16, off) & 0xffffL;
            case 4 -> s.get(U32, off) & 0xffff_ffffL;
            default -> s.get(U64, off);
        };
    }

    static void store(Region r, long address, int size, long value) {
        long off = address - r.base();
        MemorySegment s = r.segment();
        switch (size) {
            case 1 -> s.set(U8, off, (byte) value);
            case 2 -> s.set(U16, off, (short) value);
            case 4 -> s.set(U32, off, (int) value);
            default -> s.set(U64, off, value);
        }
    }

    /** Atomic fetch-and-add of a naturally aligned 4- or 8-byte word (LDADD), across vCPU threads. */
    static long getAndAdd(Region r, long address, int size, long delta) {
        long off = address - r.base();
        if (size == 8) {
            return (long) ATOMIC64.getAndAdd(r.segment(), off, delta);
        }
        return ((int) ATOMIC32.getAndAdd(r.segment(), off, (int) delta)) & 0xffff_ffffL;
    }
}
