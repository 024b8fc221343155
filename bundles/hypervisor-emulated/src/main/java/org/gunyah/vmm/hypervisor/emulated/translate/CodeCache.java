package org.gunyah.vmm.hypervisor.emulated.translate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The translations of one VM, shared by its vCPUs: by head (virtual and physical address, since
 * the code embeds its PC-relative values), and by physical page. Every guest store tells it what it
 * wrote ({@link #written}): a bitmap of the pages holding translated code (per GiB that has any)
 * makes that one test for most stores; on such a page, a bitmap of the words translated there tells code from the data
 * beside it, and writing code drops every translation of the page.
 *
 * <p>A store and the translation of the page it writes, on two vCPUs at once, may leave the old
 * code translated until the next IC: the architecture asks for IC and ISB between writing and
 * executing code anyway.
 */
public final class CodeCache {
    record Head(long va, long pa) {}

    /** The translated code of one physical page: which of its 1024 words, and the regions. */
    private static final class Page {
        final long number;
        final long[] words = new long[16];
        final List<Region> regions = new ArrayList<>();

        Page(long number) {
            this.number = number;
        }

        boolean overlaps(long offset, long size) {
            for (long w = offset >>> 2; w <= (offset + size - 1) >>> 2 && w < 1024; w++) {
                if ((words[(int) (w >>> 6)] & 1L << w) != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The bits of the pages of one GiB of physical addresses that hold translated code. */
    private record Chunk(long number, long[] pages) {}

    private static final int CHUNK_SHIFT = 30;
    private static final int PAGES_PER_CHUNK = 1 << (CHUNK_SHIFT - 12);

    private final Map<Head, Region> regions = new ConcurrentHashMap<>();
    private final Map<Long, Page> pages = new ConcurrentHashMap<>();
    // The chunks with code (a VM's RAM is a GiB or a few): read without a lock by the stores,
    // replaced (the array) or changed (a chunk's bits) under this object's lock.
    private volatile Chunk[] chunks = new Chunk[0];
    // The page the last store that reached the pages map found there, saving that lookup for the
    // data stores that follow on a page that also holds code.
    private volatile Page last;
    // Counts the drops: a vCPU that sees it change empties its jump caches, so that what was
    // dropped is no longer reachable (and its class can unload).
    private volatile int drops;

    public CodeCache() {}

    /** The translation of the head at {@code va}, physical {@code pa}, or null. */
    public Region find(long va, long pa) {
        Region r = regions.get(new Head(va, pa));
        return r != null && r.valid ? r : null;
    }

    /** Adds {@code r}, or returns the one another vCPU added for the same head meanwhile. */
    public synchronized Region add(Region r) {
        Region old = find(r.va, r.pa);
        if (old != null) {
            return old;
        }
        long number = r.pa >>> 12;
        Page page = pages.computeIfAbsent(number, Page::new);
        for (int i = 0; i < 16; i++) {
            page.words[i] |= r.words[i];
        }
        page.regions.add(r);
        long[] bits = chunk(r.pa);
        if (bits == null) {
            Chunk[] more = Arrays.copyOf(chunks, chunks.length + 1);
            bits = new long[PAGES_PER_CHUNK / 64];
            more[chunks.length] = new Chunk(r.pa >>> CHUNK_SHIFT, bits);
            chunks = more;
        }
        int index = (int) number & (PAGES_PER_CHUNK - 1);
        bits[index >>> 6] |= 1L << index;
        regions.put(new Head(r.va, r.pa), r);
        return r;
    }

    /**
     * Puts {@code replacement}, a translation of the same code, in the place of {@code old}; null
     * when the code was dropped meanwhile (written or invalidated).
     */
    public synchronized Region replace(Region old, Region replacement) {
        Page page = pages.get(old.pa >>> 12);
        if (!old.valid || page == null) {
            return null;
        }
        page.regions.add(replacement);
        regions.put(new Head(old.va, old.pa), replacement);
        return replacement;
    }

    private long[] chunk(long pa) {
        long number = pa >>> CHUNK_SHIFT;
        for (Chunk c : chunks) {
            if (c.number == number) {
                return c.pages;
            }
        }
        return null;
    }

    /** Whether the page of {@code pa} holds translated code: cheap, for every guest store. */
    public boolean holdsCode(long pa) {
        long[] bits = chunk(pa);
        if (bits == null) {
            return false;
        }
        int index = (int) (pa >>> 12) & (PAGES_PER_CHUNK - 1);
        return (bits[index >>> 6] & 1L << index) != 0;
    }

    /** A store of up to 16 bytes at physical {@code pa} happened or is about to. */
    public void written(long pa) {
        // One page to look at, but for the last 15 bytes of a page: one lookup for most stores.
        if (holdsCode(pa) || (pa & 0xfff) > 0xff0 && holdsCode(pa + 15)) {
            wroteCodePage(pa, 16);
        }
    }

    /** A store of {@code size} bytes at physical {@code pa}, within one page or two. */
    public void written(long pa, long size) {
        if (holdsCode(pa) || holdsCode(pa + size - 1)) {
            wroteCodePage(pa, size);
        }
    }

    private void wroteCodePage(long pa, long size) {
        long end = pa + size;
        for (long at = pa; at < end; at = (at | 0xfff) + 1) {
            long number = at >>> 12;
            Page p = last;
            if (p == null || p.number != number) {
                p = pages.get(number);
                if (p == null) {
                    continue;
                }
                last = p;
            }
            long offset = at & 0xfff;
            if (p.overlaps(offset, Math.min(end - at, 4096 - offset))) {
                invalidatePage(at);
            }
        }
    }

    /** Drops every translation of the physical page of {@code pa} (a code write, IC IVAU). */
    public synchronized void invalidatePage(long pa) {
        long number = pa >>> 12;
        Page page = pages.remove(number);
        if (page == null) {
            return;
        }
        for (Region r : page.regions) {
            r.valid = false;
            regions.remove(new Head(r.va, r.pa));
        }
        last = null;
        drops++;
        int index = (int) number & (PAGES_PER_CHUNK - 1);
        chunk(pa)[index >>> 6] &= ~(1L << index);
    }

    /** Drops every translation (IC IALLU, IALLUIS). */
    public synchronized void invalidateAll() {
        for (Page page : pages.values()) {
            for (Region r : page.regions) {
                r.valid = false;
            }
        }
        pages.clear();
        regions.clear();
        last = null;
        drops++;
        chunks = new Chunk[0];
    }

    /** Changes whenever translations are dropped. */
    public int drops() {
        return drops;
    }

    /** How many translations are held, for tests and reports. */
    public int size() {
        return regions.size();
    }
}
