package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.mmu.PhysicalMemory;
import org.gunyah.vmm.hypervisor.emulated.mmu.TlbDomain;
import org.gunyah.vmm.hypervisor.emulated.translate.CodeCache;

/**
 * Guest physical RAM: regions of host memory at guest addresses. An access that does not lie wholly
 * inside one region is not RAM; the CPU turns it into an MMIO exit (a stage-2 fault). One per VM,
 * so it also holds the VM's TLB domain, which the broadcast TLBIs of its vCPUs invalidate.
 */
public final class GuestMemory implements PhysicalMemory {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle ATOMIC64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC16 =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle ATOMIC8 = ValueLayout.JAVA_BYTE.varHandle();

    /** One region of RAM. */
    public record Region(long base, MemorySegment segment) {
        boolean contains(long address, int size) {
            long offset = address - base;
            return Long.compareUnsigned(offset, segment.byteSize()) < 0
                    && Long.compareUnsigned(size, segment.byteSize() - offset) <= 0;
        }
    }

    private final Region[] regions;
    private final TlbDomain tlbs = new TlbDomain();
    private final CodeCache code;

    public GuestMemory(List<Region> regions) {
        this.regions = regions.toArray(Region[]::new);
        this.code = new CodeCache();
    }

    /** The translated code of the VM's vCPUs, which every store to RAM must tell ({@link CodeCache#written}). */
    public CodeCache code() {
        return code;
    }

    /** The TLBs of the VM's vCPUs. */
    TlbDomain tlbs() {
        return tlbs;
    }

    /** A page's host memory, as {@link #ramPage} made it. Immutable, so racing vCPUs may share it. */
    private record Page(long pa, MemorySegment segment) {}

    // The pages ramPage made last, direct-mapped by page number: every TLB fill and every level of
    // every walk asks for one, mostly the same (page tables, the pages at hand), and a slice is an
    // allocation. Racy by design: an entry is one immutable object, so a reader sees a whole one.
    private final Page[] pages = new Page[256];

    @Override
    public MemorySegment ramPage(long pagePa) {
        int slot = (int) (pagePa >>> 12) & (pages.length - 1);
        Page p = pages[slot];
        if (p != null && p.pa == pagePa) {
            return p.segment;
        }
        Region r = find(pagePa, 4096);
        if (r == null) {
            return null;
        }
        MemorySegment segment = r.segment().asSlice(pagePa - r.base(), 4096);
        pages[slot] = new Page(pagePa, segment);
        return segment;
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

    /** The {@code size} bytes (1, 2, 4, 8) at {@code off} in {@code s}, zero-extended. */
    static long load(MemorySegment s, long off, int size) {
        return switch (size) {
            case 1 -> s.get(U8, off) & 0xffL;
            case 2 -> s.get(U16, off) & 0xffffL;
            case 4 -> s.get(U32, off) & 0xffff_ffffL;
            default -> s.get(U64, off);
        };
    }

    static void store(MemorySegment s, long off, int size, long value) {
        switch (size) {
            case 1 -> s.set(U8, off, (byte) value);
            case 2 -> s.set(U16, off, (short) value);
            case 4 -> s.set(U32, off, (int) value);
            default -> s.set(U64, off, value);
        }
    }

    // Atomic accesses, for the exclusives, the load-acquire/store-release instructions and the LSE
    // atomics. The caller has checked natural alignment; a region's host memory is aligned as its
    // guest base is (page-aligned in practice), so the aligned VarHandles below apply. Bytes and
    // halfwords have no compare-and-set of their own: they go through a CAS loop on the aligned
    // 4-byte word holding them, which makes them atomic against every other access of that word.

    /** A single-copy-atomic load with acquire (in fact volatile) ordering: LDAR, LDXR. */
    static long loadAcquire(Region r, long address, int size) {
        long off = address - r.base();
        MemorySegment s = r.segment();
        return switch (size) {
            case 1 -> ((byte) ATOMIC8.getVolatile(s, off)) & 0xffL;
            case 2 -> ((short) ATOMIC16.getVolatile(s, off)) & 0xffffL;
            case 4 -> ((int) ATOMIC32.getVolatile(s, off)) & 0xffff_ffffL;
            default -> (long) ATOMIC64.getVolatile(s, off);
        };
    }

    /**
     * A single-copy-atomic store with release ordering: STLR. Volatile, so that a later LDAR
     * cannot be reordered before it (the architecture's release is RCsc).
     */
    static void storeRelease(Region r, long address, int size, long value) {
        long off = address - r.base();
        MemorySegment s = r.segment();
        switch (size) {
            case 1 -> ATOMIC8.setVolatile(s, off, (byte) value);
            case 2 -> ATOMIC16.setVolatile(s, off, (short) value);
            case 4 -> ATOMIC32.setVolatile(s, off, (int) value);
            default -> ATOMIC64.setVolatile(s, off, value);
        }
    }

    /**
     * Atomically replaces the naturally aligned {@code size} bytes at {@code address} by {@code
     * value} if they hold {@code expected}; returns the value found (equal to {@code expected}
     * exactly when the swap happened). Sequentially consistent. Values are zero-extended.
     */
    static long compareAndExchange(Region r, long address, int size, long expected, long value) {
        MemorySegment s = r.segment();
        if (size == 8) {
            return (long) ATOMIC64.compareAndExchange(s, address - r.base(), expected, value);
        }
        if (size == 4) {
            return ((int) ATOMIC32.compareAndExchange(s, address - r.base(), (int) expected, (int) value))
                    & 0xffff_ffffL;
        }
        long word = (address & ~3L) - r.base();
        int shift = (int) (address & 3) * 8;
        int mask = (int) Bits.ones(8 * size) << shift;
        int exp = (int) expected << shift & mask;
        int val = (int) value << shift & mask;
        while (true) {
            int w = (int) ATOMIC32.getVolatile(s, word);
            if ((w & mask) != exp) {
                return ((w & mask) >>> shift) & Bits.ones(8 * size);
            }
            if (ATOMIC32.compareAndSet(s, word, w, (w & ~mask) | val)) {
                return expected & Bits.ones(8 * size);
            }
        }
    }

    /** The read-modify-write operations of the LSE atomics, by their opc (LDADD..LDUMIN), and SWP. */
    static final int ADD = 0, CLR = 1, EOR = 2, SET = 3, SMAX = 4, SMIN = 5, UMAX = 6, UMIN = 7, SWP = 8;

    /** Atomically applies {@code op} with {@code operand} to memory; returns the old value, zero-extended. */
    static long getAndUpdate(Region r, long address, int size, int op, long operand) {
        long mask = Bits.ones(8 * size);
        long old = loadAcquire(r, address, size);
        while (true) {
            long witness = compareAndExchange(r, address, size, old, apply(op, old, operand, size) & mask);
            if (witness == old) {
                return old;
            }
            old = witness;
        }
    }

    private static long apply(int op, long old, long operand, int size) {
        int ext = 64 - 8 * size;
        return switch (op) {
            case ADD -> old + operand;
            case CLR -> old & ~operand;
            case EOR -> old ^ operand;
            case SET -> old | operand;
            case SMAX -> Math.max(old << ext >> ext, operand << ext >> ext);
            case SMIN -> Math.min(old << ext >> ext, operand << ext >> ext);
            case UMAX -> Long.compareUnsigned(old, operand << ext >>> ext) >= 0 ? old : operand;
            case UMIN -> Long.compareUnsigned(old, operand << ext >>> ext) <= 0 ? old : operand;
            default -> operand; // SWP
        };
    }

    // 16-byte atomics (CASP and LDXP/STXP of X registers): Java has no 128-bit compare-and-set.
    // Pair operations hold one of a set of striped locks for the 16-byte granule, so they are
    // atomic among themselves; the store itself is a CAS of each half in turn, the first undone
    // if the second fails, so a concurrent plain or 64-bit store to either half is never lost (it
    // is ordered before the pair operation, which then fails, or after it). The caveats, all in a
    // race between a pair operation and a narrower access of the same 16 bytes on another vCPU: a
    // plain load can see the first half of a pair store that is then undone; and a pair read takes
    // the halves one after the other, so two narrower writes during it can give a pair that never
    // was (a store-exclusive after it then fails on the changed half, short of an ABA). Software
    // that uses 16-byte atomics on a location (Linux's cmpxchg_double/cmpxchg128, 128-bit C11
    // atomics) does not mix them with concurrent narrower writes of it.
    private static final Object[] PAIR_LOCKS = new Object[64];

    static {
        for (int i = 0; i < PAIR_LOCKS.length; i++) {
            PAIR_LOCKS[i] = new Object();
        }
    }

    private static Object pairLock(long address) {
        long h = (address >>> 4) * 0x9E3779B97F4A7C15L;
        return PAIR_LOCKS[(int) (h >>> 58)];
    }

    /** Reads the 16-byte aligned pair at {@code address} atomically with respect to the other pair operations. */
    static void loadPair(Region r, long address, long[] into) {
        synchronized (pairLock(address)) {
            into[0] = loadAcquire(r, address, 8);
            into[1] = loadAcquire(r, address + 8, 8);
        }
    }

    /**
     * Replaces the 16-byte aligned pair at {@code address} by (lo, hi) if it holds (expectedLo,
     * expectedHi); the values found go to {@code found} (when not null). Returns whether it swapped.
     */
    static boolean compareAndExchangePair(
            Region r, long address, long expectedLo, long expectedHi, long lo, long hi, long[] found) {
        long off = address - r.base();
        MemorySegment s = r.segment();
        synchronized (pairLock(address)) {
            long wLo = (long) ATOMIC64.compareAndExchange(s, off, expectedLo, lo);
            if (wLo != expectedLo) {
                if (found != null) {
                    found[0] = wLo;
                    found[1] = (long) ATOMIC64.getVolatile(s, off + 8);
                }
                return false;
            }
            long wHi = (long) ATOMIC64.compareAndExchange(s, off + 8, expectedHi, hi);
            if (wHi != expectedHi) {
                // Undo the first half unless someone has written it since (then theirs stands).
                ATOMIC64.compareAndSet(s, off, lo, expectedLo);
                if (found != null) {
                    found[0] = expectedLo;
                    found[1] = wHi;
                }
                return false;
            }
            if (found != null) {
                found[0] = expectedLo;
                found[1] = expectedHi;
            }
            return true;
        }
    }
}
