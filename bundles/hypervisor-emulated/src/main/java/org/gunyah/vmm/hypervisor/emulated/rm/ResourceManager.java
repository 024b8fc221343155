package org.gunyah.vmm.hypervisor.emulated.rm;

import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.hypervisor.ResourceIds;

/** The emulated resource manager: it hands out VM ids and capability ids to the VMs it makes. */
public final class ResourceManager {
    private final ResourceIds ids = new ResourceIds();

    public EmulatedVm allocateVm() throws GunyahException {
        return new EmulatedVm(ids.allocateVmid(), ids);
    }

    public int allocatedVms() {
        return ids.allocatedVmids();
    }
}
