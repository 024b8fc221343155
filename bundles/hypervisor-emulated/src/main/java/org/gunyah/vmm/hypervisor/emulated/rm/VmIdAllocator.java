package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.BitSet;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/** {@code VM_ALLOC_VMID}/{@code VM_DEALLOC_VMID}: lowest free id first, as the RM hands them out. */
final class VmIdAllocator {
    /** Gunyah VM ids are 16 bits; 0 is "dynamic" in the request and 0xffff is GH_VMID_INVAL. */
    static final int FIRST = 1;
    static final int LAST = 0xfffe;

    private final BitSet used = new BitSet();

    synchronized int allocate() throws GunyahException {
        int id = used.nextClearBit(FIRST);
        if (id > LAST) {
            throw GunyahException.of(Errno.ENOSPC, "no free VM id (all %d in use)", LAST - FIRST + 1);
        }
        used.set(id);
        return id;
    }

    synchronized boolean free(int id) {
        boolean was = used.get(id);
        used.clear(id);
        return was;
    }

    synchronized int inUse() {
        return used.cardinality();
    }
}
