package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.gunyah.vmm.api.GunyahException;

/** The emulated resource manager: VM ids, capability ids, and the VMs that hold them. */
public final class ResourceManager {
    private final VmIdAllocator ids = new VmIdAllocator();
    private final AtomicLong capIds = new AtomicLong(0x1000);
    private final Set<EmulatedVm> live = ConcurrentHashMap.newKeySet();

    public EmulatedVm allocateVm() throws GunyahException {
        EmulatedVm vm = new EmulatedVm(ids.allocate(), this);
        live.add(vm);
        return vm;
    }

    long newCapId() {
        return capIds.getAndIncrement();
    }

    void release(EmulatedVm vm) {
        if (live.remove(vm)) {
            ids.free(vm.vmid());
        }
    }

    public int allocatedVms() {
        return ids.inUse();
    }
}
