package org.gunyah.vmm.hypervisor.emulated.translate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The translations of one VM, shared by its vCPUs: by head (virtual and physical address, since
 * the code embeds its PC-relative values), and by physical page, with a bitmap of the pages that
 * hold any, which every guest store checks ({@link #written}) so that writing code drops its
 * translations. A store and the translation of the page it writes, on two vCPUs at once, may leave
 * the old code translated until the next IC: the architecture asks for IC and ISB between writing
 * and executing code anyway.
 */
public final class CodeCache {
    record Head(long va, long pa) {}

    private final long pageLimit;
    private final Map<Head, Region> regions = new ConcurrentHashMap<>();
    private final Map<Long, List<Region>> byPage = new HashMap<>();
    // One bit per physical page below pageLimit, allocated with the first translation. Read
    // without a lock by the stores; set and cleared under this object's lock.
    private volatile long[] marks;

    /** For physical memory below {@code limit} (the end of the highest RAM region). */
    public CodeCache(long limit) {
        this.pageLimit = (limit + 0xfff) >>> 12;
    }

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
        long page = r.pa >>> 12;
        if (page >= pageLimit) {
            return r; // not RAM the cache can watch: used once, never kept
        }
        long[] m = marks;
        if (m == null) {
            m = new long[(int) ((pageLimit + 63) >>> 6)];
        }
        m[(int) (page >>> 6)] |= 1L << page;
        marks = m;
        byPage.computeIfAbsent(page, p -> new ArrayList<>()).add(r);
        regions.put(new Head(r.va, r.pa), r);
        return r;
    }

    /** Whether the page of {@code pa} holds translated code: cheap, for every guest store. */
    public boolean holdsCode(long pa) {
        long[] m = marks;
        if (m == null) {
            return false;
        }
        long page = pa >>> 12;
        return page < pageLimit && (m[(int) (page >>> 6)] & 1L << page) != 0;
    }

    /** A store to physical {@code pa} (of up to 16 bytes) happened or is about to: its page's code goes. */
    public void written(long pa) {
        if (holdsCode(pa)) {
            invalidatePage(pa);
        }
        if (((pa + 15) ^ pa) >>> 12 != 0 && holdsCode(pa + 15)) {
            invalidatePage(pa + 15);
        }
    }

    /** A store of {@code size} bytes at physical {@code pa}, within one page or two. */
    public void written(long pa, long size) {
        if (holdsCode(pa)) {
            invalidatePage(pa);
        }
        if (((pa + size - 1) ^ pa) >>> 12 != 0 && holdsCode(pa + size - 1)) {
            invalidatePage(pa + size - 1);
        }
    }

    /** Drops every translation of the physical page of {@code pa} (a code write, IC IVAU). */
    public synchronized void invalidatePage(long pa) {
        long page = pa >>> 12;
        List<Region> list = byPage.remove(page);
        if (list == null) {
            return;
        }
        for (Region r : list) {
            r.valid = false;
            regions.remove(new Head(r.va, r.pa));
        }
        marks[(int) (page >>> 6)] &= ~(1L << page);
    }

    /** Drops every translation (IC IALLU, IALLUIS). */
    public synchronized void invalidateAll() {
        for (List<Region> list : byPage.values()) {
            for (Region r : list) {
                r.valid = false;
            }
        }
        byPage.clear();
        regions.clear();
        if (marks != null) {
            marks = new long[marks.length];
        }
    }

    /** How many translations are held, for tests and reports. */
    public int size() {
        return regions.size();
    }
}
