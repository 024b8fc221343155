package org.gunyah.vmm.hypervisor.emulated;

import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.rm.ResourceManager;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.osgi.service.component.annotations.Component;

/**
 * The pure-Java Gunyah backend. It ranks 0, below any native backend that can run on the machine,
 * so it is the default only where nothing better is available.
 */
@Component(
        service = Hypervisor.class,
        property = {Hypervisor.NAME + "=" + EmulatedHypervisor.NAME, "service.ranking:Integer=0"})
public final class EmulatedHypervisor implements Hypervisor {
    public static final String NAME = "emulated";

    private final ResourceManager rm = new ResourceManager();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HypervisorVm allocateVm() throws GunyahException {
        return rm.allocateVm();
    }

    @Override
    public int allocatedVms() {
        return rm.allocatedVms();
    }
}
