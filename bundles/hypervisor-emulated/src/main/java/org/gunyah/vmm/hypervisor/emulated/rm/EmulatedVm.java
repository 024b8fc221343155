package org.gunyah.vmm.hypervisor.emulated.rm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.hypervisor.emulated.platform.EmulatedDoorbell;
import org.gunyah.vmm.hypervisor.emulated.platform.InternalMmio;
import org.gunyah.vmm.hypervisor.emulated.timer.DeadlineScheduler;
import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;
import org.gunyah.vmm.hypervisor.emulated.timer.TimeBase;
import org.gunyah.vmm.hypervisor.emulated.timer.TimerLine;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.ResourceIds;
import org.gunyah.vmm.spi.hypervisor.ResourceManagerVm;
import org.gunyah.vmm.spi.hypervisor.VmDescription;

/**
 * One VM at the emulated resource manager: the parcels are the guest's RAM as the interpreter
 * reads it, INIT makes a GICv3 (at the devicetree's addresses), the counter and the timers' deadline thread, an interpreted vCPU per
 * cpu node (those PSCI starts powered off) and a doorbell per doorbell node.
 */
public final class EmulatedVm extends ResourceManagerVm {
    /** The generic timer's INTIDs: the EL1 physical timer's PPI and the virtual timer's. */
    static final int PHYSICAL_TIMER_INTID = 30;

    static final int VIRTUAL_TIMER_INTID = 27;

    private final ResourceIds ids;
    // Made at INIT, closed when the resources go (teardown takes the deadline thread with them).
    private volatile DeadlineScheduler deadlines;
    private volatile List<EmulatedVcpu> vcpus = List.of();

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
        TimeBase time = new TimeBase();
        deadlines = new DeadlineScheduler("gunyah-vm" + vmid() + "-timers");
        Psci psci = new Psci(this, memory);
        List<HypervisorResource> out = new ArrayList<>();
        List<EmulatedVcpu> vcpus = new ArrayList<>();
        for (int i = 0; i < d.cpus().size(); i++) {
            GenericTimer timer = new GenericTimer(
                    time, deadlines, timerLine(gic, i, PHYSICAL_TIMER_INTID), timerLine(gic, i, VIRTUAL_TIMER_INTID));
            EmulatedVcpu v = new EmulatedVcpu(
                    this,
                    i,
                    d.cpus().get(i),
                    ids.newCapId(),
                    memory,
                    gic,
                    devices,
                    timer,
                    psci,
                    d.startsPoweredOff(i),
                    entry,
                    dtbAddress);
            vcpus.add(v);
            out.add(v);
        }
        psci.attach(vcpus);
        this.vcpus = List.copyOf(vcpus);
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
        DeadlineScheduler d = deadlines;
        if (d != null) {
            d.close();
        }
    }

    /** Where a timer's output line meets the GIC: the level-sensitive PPI {@code intid} of vCPU {@code cpu}. */
    private static TimerLine timerLine(Gicv3 gic, int cpu, int intid) {
        return asserted -> gic.setPpiLevel(cpu, intid, asserted);
    }

    /** SEV: sets every vCPU's event register and wakes those that wait. */
    void sendEvent() {
        for (EmulatedVcpu v : vcpus) {
            v.sendEvent();
        }
    }

    /** The timers' deadline thread, for tests: null before INIT. */
    DeadlineScheduler deadlines() {
        return deadlines;
    }
}
