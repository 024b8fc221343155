package org.gunyah.vmm.spi.hypervisor;

import java.util.BitSet;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The numbers a resource manager hands out: VM ids ({@code VM_ALLOC_VMID}, lowest free first, as
 * Gunyah's RM does) and capability ids (never reused while the backend lives). One per backend.
 */
public final class ResourceIds {
    /** Gunyah VM ids are 16 bits; 0 means "dynamic" in the request and 0xffff is GH_VMID_INVAL. */
    public static final int FIRST_VMID = 1;

    public static final int LAST_VMID = 0xfffe;
    /** Capability ids start above the small numbers a guest might mistake for labels. */
    static final long FIRST_CAP_ID = 0x1000;

    private final BitSet vmids = new BitSet();
    private final AtomicLong capIds = new AtomicLong(FIRST_CAP_ID);

    /** The lowest free VM id; ENOSPC when all are in use. */
    public synchronized int allocateVmid() throws GunyahException {
        int id = vmids.nextClearBit(FIRST_VMID);
        if (id > LAST_VMID) {
            throw GunyahException.of(Errno.ENOSPC, "no free VM id (all %d in use)", LAST_VMID - FIRST_VMID + 1);
        }
        vmids.set(id);
        return id;
    }

    /** {@code VM_DEALLOC_VMID}; freeing a free id does nothing. */
    public synchronized void releaseVmid(int vmid) {
        vmids.clear(vmid);
    }

    /** The VM ids in use, for leak checks and the admin view. */
    public synchronized int allocatedVmids() {
        return vmids.cardinality();
    }

    public long newCapId() {
        return capIds.getAndIncrement();
    }
}
