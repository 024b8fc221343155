package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.hypervisor.emulated.mmu.Access;

/**
 * The memory of one instruction that makes several accesses (a pair, a SIMD register or
 * structure): {@link #prepare} translates all of it first, so that a fault comes before any byte
 * or register changes, and the accesses then read and write the one or two pages it lies in (or
 * the RAM region, with the MMU off). One per vCPU, reused by each such instruction.
 */
final class MemorySpan {
    private final A64Cpu cpu;
    private MemorySegment first;
    private long firstBase;
    private long firstEnd;
    private MemorySegment second;

    MemorySpan(A64Cpu cpu) {
        this.cpu = cpu;
    }

    /**
     * Translates [{@code va}, {@code va + size}), at most a page, for reading or writing, faulting
     * as the MMU says; false when some of it is not RAM (these instructions cannot exit to MMIO).
     */
    boolean prepare(long va, int size, boolean write, boolean unprivileged) {
        if (!cpu.mmuOn()) {
            GuestMemory.Region r = cpu.dataRegion(va, size);
            if (r == null) {
                return false;
            }
            first = r.segment();
            firstBase = r.base();
            firstEnd = firstBase + first.byteSize();
            if (write) {
                cpu.memory.code().written(va, size);
            }
            return true;
        }
        int access = write ? Access.WRITE : Access.READ;
        int el = unprivileged ? 0 : cpu.el;
        Mmu mmu = cpu.mmu;
        first = cpu.dataPage(va, !write, el);
        long firstPa = cpu.dataPagePa();
        firstBase = va & ~0xfffL;
        firstEnd = firstBase + 4096;
        second = null;
        if (va + size > firstEnd) {
            int next = mmu.entry(firstEnd, access, el);
            second = mmu.tlb.page(next);
            if (second == null) {
                return false;
            }
            if (write) {
                cpu.memory.code().written(mmu.tlb.pagePa(next));
            }
        }
        if (write && first != null) {
            // Before the bytes move: a translation of the page cannot start between them on this vCPU.
            cpu.memory.code().written(firstPa | (va & 0xfff));
        }
        return first != null;
    }

    /** The {@code size} bytes at {@code va}, inside the prepared span, zero-extended. */
    long read(long va, int size) {
        if (va + size <= firstEnd) {
            return GuestMemory.load(first, va - firstBase, size);
        }
        if (va >= firstEnd) {
            return GuestMemory.load(second, va - firstEnd, size);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= read(va + i, 1) << 8 * i;
        }
        return v;
    }

    /** Writes the low {@code size} bytes of {@code value} at {@code va}, inside the prepared span. */
    void write(long va, int size, long value) {
        if (va + size <= firstEnd) {
            GuestMemory.store(first, va - firstBase, size, value);
        } else if (va >= firstEnd) {
            GuestMemory.store(second, va - firstEnd, size, value);
        } else {
            for (int i = 0; i < size; i++) {
                write(va + i, 1, value >>> 8 * i);
            }
        }
    }
}
