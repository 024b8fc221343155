package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.lang.foreign.MemorySegment;

/** Guest physical memory as the walk and the TLB see it: pages of RAM, and everything else. */
public interface PhysicalMemory {
    /** The host memory of the 4 KiB page at {@code pagePa} (page aligned), or null when it is not wholly RAM. */
    MemorySegment ramPage(long pagePa);
}
