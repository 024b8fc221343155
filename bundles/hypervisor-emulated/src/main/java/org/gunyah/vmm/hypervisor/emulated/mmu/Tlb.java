package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The software TLB of one vCPU: direct-mapped (by VA page, and ASID for non-global pages), each entry a 4 KiB page of a successful
 * walk with its ASID (or global), the six permission bits of {@link Access}, its output page and
 * the host memory of that page (null when it is not RAM), so that a hit is a compare of the tag,
 * the ASID and one permission bit, and the host address is an add.
 *
 * <p>Only its vCPU's thread reads and fills it. Other vCPUs' broadcast TLBIs are {@link #post
 * posted}: a queue and a volatile flag, applied by the owner in {@link #applyPosted} before each
 * translation. That is where the architecture needs them: a TLBI completes at the issuer's DSB,
 * and whatever the issuer does after it (a store another vCPU then observes, an IPI) is ordered
 * after the flag's volatile write, so the other vCPU's next access, ordered after its own volatile
 * read of the flag, cannot use the removed entry.
 *
 * <p>Blocks are cached page by page. So that a TLBI of one address removes every page cached from
 * the block holding it, the TLB remembers the blocks it holds pages of (up to {@link #BLOCKS}; one
 * more empties it first); a TLBI by VA that falls in one of them empties the whole TLB, which is
 * allowed (a TLB may always hold less) and rare: blocks change when the kernel remaps its own
 * memory.
 */
public final class Tlb {
    public static final int ENTRIES = 1024;
    static final int BLOCKS = 64;
    private static final int MASK = ENTRIES - 1;
    private static final long INVALID = -1; // never a page number: those have 52 bits
    private static final int GLOBAL = -1;

    // Allocated by the first fill: a vCPU that never turns its MMU on costs nothing.
    private long[] tags = new long[1];
    private int[] asids;
    private int[] permissions;
    private long[] pagePas;
    private MemorySegment[] pages;

    // The blocks (level 1 or 2 leaves) that cached pages came from: first page, page count, ASID.
    private final long[] blockPages = new long[BLOCKS];
    private final long[] blockSizes = new long[BLOCKS];
    private final int[] blockAsids = new int[BLOCKS];
    private int blocks;

    /** Counts the invalidations applied: what was looked up before a change of it may be stale. */
    private int epoch;

    private final ConcurrentLinkedQueue<Invalidation> posted = new ConcurrentLinkedQueue<>();
    private volatile boolean postedPending;

    public Tlb() {
        tags[0] = INVALID; // one slot, never hit, until the first fill
        asids = new int[1];
        permissions = new int[1];
    }

    /** Whether anything was ever cached (the owner registers with its domain then). */
    public boolean allocated() {
        return pages != null;
    }

    /**
     * The entry for the page of {@code va} (canonical: top byte as the walk would see it) in
     * {@code asid} that allows the access of {@code permissionBit} ({@link Access#bit}), or -1.
     */
    public int lookup(long va, int asid, int permissionBit) {
        long page = va >>> 12;
        long[] t = tags;
        int mask = t.length - 1;
        int i = (int) page & mask;
        if (t[i] == page && asids[i] == GLOBAL && (permissions[i] & permissionBit) != 0) {
            return i;
        }
        int j = slot(page, asid) & mask;
        if (t[j] == page && asids[j] == asid && (permissions[j] & permissionBit) != 0) {
            return j;
        }
        return -1;
    }

    /**
     * The slot of a page: global entries by the page alone, an ASID's entries by the page mixed
     * with the ASID, so that processes mapping the same addresses (all of them) keep their entries
     * side by side across context switches.
     */
    private static int slot(long page, int asid) {
        return (int) page ^ (asid == GLOBAL ? 0 : asid * 0x2f5);
    }

    /** Caches the walk {@code t} of the page of {@code va} in {@code asid}, with its host memory; returns the entry. */
    public int fill(long va, int asid, Translation t, MemorySegment page) {
        if (pages == null) {
            tags = new long[ENTRIES];
            asids = new int[ENTRIES];
            permissions = new int[ENTRIES];
            pagePas = new long[ENTRIES];
            pages = new MemorySegment[ENTRIES];
            clear();
        }
        long tag = va >>> 12;
        int owner = t.global() ? GLOBAL : asid;
        if (t.level() < 3) {
            rememberBlock(tag, t.level(), owner);
        }
        int i = slot(tag, owner) & MASK;
        tags[i] = tag;
        asids[i] = owner;
        permissions[i] = t.permissions();
        pagePas[i] = t.pagePa();
        pages[i] = page;
        return i;
    }

    private void rememberBlock(long tag, int level, int owner) {
        long size = 1L << (9 * (3 - level));
        long first = tag & -size;
        for (int b = 0; b < blocks; b++) {
            if (blockPages[b] == first && blockSizes[b] == size && blockAsids[b] == owner) {
                return;
            }
        }
        if (blocks == BLOCKS) {
            clear(); // every cached page of a forgotten block must go with it
        }
        blockPages[blocks] = first;
        blockSizes[blocks] = size;
        blockAsids[blocks] = owner;
        blocks++;
    }

    /** The host memory of entry {@code i}'s page, or null when the page is not RAM (MMIO). */
    public MemorySegment page(int i) {
        return pages[i];
    }

    /** The output address of entry {@code i}'s page. */
    public long pagePa(int i) {
        return pagePas[i];
    }

    /**
     * Changes whenever an invalidation is applied. A translation the owner keeps outside the TLB
     * (the vCPU's page of the last fetch) stays valid while this does not change: filling other
     * entries never makes a translation wrong, only a TLBI or a flush does.
     */
    public int epoch() {
        return epoch;
    }

    /** Applies {@code op} to this TLB. Owner thread only. */
    public void invalidate(Invalidation op) {
        epoch++;
        if (pages == null) {
            return;
        }
        switch (op.kind()) {
            case ALL -> clear();
            case ASID -> {
                for (int i = 0; i < ENTRIES; i++) {
                    if (asids[i] == op.asid()) {
                        tags[i] = INVALID;
                    }
                }
            }
            case PAGE, PAGE_ASID -> {
                boolean anyAsid = op.kind() == Invalidation.Kind.PAGE;
                for (int b = 0; b < blocks; b++) {
                    boolean asidMatches = anyAsid || blockAsids[b] == GLOBAL || blockAsids[b] == op.asid();
                    if (asidMatches && op.page() - blockPages[b] >= 0 && op.page() - blockPages[b] < blockSizes[b]) {
                        clear();
                        return;
                    }
                }
                int global = slot(op.page(), GLOBAL) & MASK;
                if (tags[global] == op.page()) {
                    tags[global] = INVALID; // global, or an ASID's entry that hashed here
                }
                if (anyAsid) {
                    for (int i = 0; i < ENTRIES; i++) {
                        if (tags[i] == op.page()) {
                            tags[i] = INVALID;
                        }
                    }
                } else {
                    int own = slot(op.page(), op.asid()) & MASK;
                    if (tags[own] == op.page() && asids[own] == op.asid()) {
                        tags[own] = INVALID;
                    }
                }
            }
        }
    }

    private void clear() {
        epoch++;
        Arrays.fill(tags, INVALID);
        Arrays.fill(pages, null);
        blocks = 0;
    }

    /** Queues {@code op} for the owner, from any thread: a broadcast TLBI of another vCPU. */
    public void post(Invalidation op) {
        posted.add(op);
        postedPending = true;
    }

    /** Applies what other vCPUs posted. Owner thread only; a volatile read when there is nothing. */
    public void applyPosted() {
        if (postedPending) {
            postedPending = false;
            Invalidation op;
            while ((op = posted.poll()) != null) {
                invalidate(op);
            }
        }
    }
}
