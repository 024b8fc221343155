package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.hypervisor.emulated.platform.EmulatedDoorbell;
import org.gunyah.vmm.hypervisor.emulated.platform.InternalMmio;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.ResourceIds;
import org.gunyah.vmm.spi.hypervisor.ResourceManagerVm;
import org.gunyah.vmm.spi.hypervisor.VmDescription;

/**
 * One VM at the emulated resource manager: the parcels are the guest's RAM as the interpreter
 * reads it, INIT makes a GICv3 (at the devicetree's addresses), an interpreted vCPU per cpu node and a doorbell per doorbell node.
 */
public final class EmulatedVm extends ResourceManagerVm {
    private final ResourceIds ids;

    EmulatedVm(int vmid, ResourceIds ids) {
        super(vmid, ids);
        this.ids = ids;
    }

    @Override
    protected List<HypervisorResource> createResources(
            VmDescription d, Collection<MemoryParcel> ram, long entry, long dtbAddress) {
        List<GuestMemory.Region> regions = new ArrayList<>();
        ram.forEach(p -> regions.add(new GuestMemory.Region(p.guestPhysAddr(), p.memory())));
        GuestMemory memory = new GuestMemory(regions);
        int highestSpi = d.doorbells().stream()
                .mapToInt(VmDescription.Doorbell::spi)
                .max()
                .orElse(-1);
        Gicv3 gic = new Gicv3(
                d.cpus().size(),
                Gicv3.linesFor(highestSpi),
                d.gic().distributorBase(),
                d.gic().redistributorBase());
        List<InternalMmio> devices = List.of(gic);
        List<HypervisorResource> out = new ArrayList<>();
        for (int i = 0; i < d.cpus().size(); i++) {
            out.add(new EmulatedVcpu(
                    this, i, d.cpus().get(i), ids.newCapId(), memory, gic, devices, entry, dtbAddress));
        }
        for (VmDescription.Doorbell b : d.doorbells()) {
            int intid = Gicv3.FIRST_SPI + b.spi();
            gic.declare(intid, b.targetCpu());
            out.add(new EmulatedDoorbell(b.label(), ids.newCapId(), intid, gic, this::isRunning));
        }
        return out;
    }

    @Override
    protected void powerOff(List<HypervisorResource> resources) {
        for (HypervisorResource r : resources) {
            if (r instanceof EmulatedVcpu v) {
                v.powerOff();
            }
        }
    }

    @Override
    protected void releaseResources(List<HypervisorResource> resources) {
        powerOff(resources);
    }
}
