package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Guest RAM for walk tests and a writer of 4 KiB-granule translation tables in it: tables are
 * allocated from the top of RAM down, {@link #map} makes whatever tables a mapping needs.
 */
final class TableBuilder implements PhysicalMemory {
    static final long RAM = 0x4000_0000L;
    static final long SIZE = 0x40_0000L; // 4 MiB
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    // Leaf attributes: AF, inner shareable, AttrIndx 0, and the AP / XN / nG bits.
    static final long AF = 1L << 10;
    static final long INNER_SHAREABLE = 3L << 8;
    static final long AP_EL0 = 1L << 6; // AP[1]
    static final long AP_RO = 1L << 7; // AP[2]
    static final long NG = 1L << 11;
    static final long PXN = 1L << 53;
    static final long UXN = 1L << 54;
    static final long NORMAL = AF | INNER_SHAREABLE;

    final MemorySegment ram = Arena.ofAuto().allocate(SIZE, 4096);
    private long nextTable = RAM + SIZE;

    @Override
    public MemorySegment ramPage(long pagePa) {
        long off = pagePa - RAM;
        return off >= 0 && off + 4096 <= SIZE ? ram.asSlice(off, 4096) : null;
    }

    long table() {
        nextTable -= 4096;
        return nextTable;
    }

    long read(long pa) {
        return ram.get(U64, pa - RAM);
    }

    void write(long pa, long value) {
        ram.set(U64, pa - RAM, value);
    }

    /**
     * Maps {@code va} to {@code pa} with a leaf at {@code leafLevel} (3 page, 2 or 1 block) and
     * {@code attributes}, from the table at {@code root} whose level is {@code startLevel} in a
     * regime of {@code inputBits}-bit addresses. Returns the address of the leaf descriptor.
     */
    long map(long root, int startLevel, int inputBits, long va, long pa, int leafLevel, long attributes) {
        long table = root;
        for (int level = startLevel; ; level++) {
            int shift = 12 + 9 * (3 - level);
            int indexBits = Math.min(9, inputBits - shift);
            long entry = table + ((va >>> shift) & ((1L << indexBits) - 1)) * 8;
            if (level == leafLevel) {
                write(entry, pa | attributes | (level == 3 ? 0b11 : 0b01));
                return entry;
            }
            long d = read(entry);
            if ((d & 1) == 0) {
                d = table() | 0b11;
                write(entry, d);
            }
            table = d & Stage1.ADDRESS_MASK;
        }
    }

    /** The descriptor address {@link #map} would use for the table entry at {@code level}. */
    long entry(long root, int startLevel, int inputBits, long va, int level) {
        long table = root;
        for (int l = startLevel; ; l++) {
            int shift = 12 + 9 * (3 - l);
            int indexBits = Math.min(9, inputBits - shift);
            long entry = table + ((va >>> shift) & ((1L << indexBits) - 1)) * 8;
            if (l == level) {
                return entry;
            }
            table = read(entry) & Stage1.ADDRESS_MASK;
        }
    }
}
