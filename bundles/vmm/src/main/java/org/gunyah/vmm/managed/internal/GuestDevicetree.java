package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.VmSpec;

/**
 * The devicetree a raw-image VM starts with, written from its functions as a userspace VMM does:
 * the cpus and doorbells of its {@link VmTopology}, memory, and the console.
 */
final class GuestDevicetree {
    private GuestDevicetree() {}

    static DtNode of(List<FunctionDesc> functions, Map<Integer, Integer> targets, long ramBase, long ramSize)
            throws GunyahException {
        VmSpec spec = new VmSpec("devicetree", null, ramSize, ramBase, null, Set.of());
        return of(new DevicetreeSources(spec, functions, targets));
    }

    static DtNode of(DevicetreeSources sources) throws GunyahException {
        Set<Integer> deviceSpis = new java.util.HashSet<>();
        sources.devices().forEach(d -> deviceSpis.add(d.spi()));
        VmTopology topology = VmTopology.of(sources, deviceSpis);
        DtNode.Builder cpusNode =
                DtNode.builder("cpus").property("#address-cells", 1).property("#size-cells", 0);
        for (int id : topology.cpus()) {
            cpusNode.child(DtNode.builder("cpu@" + Integer.toHexString(id))
                    .property("device_type", "cpu")
                    .property("reg", id)
                    .build());
        }
        DtNode.Builder hyp = hypervisor();
        for (VmTopology.Doorbell bell : topology.doorbells()) {
            hyp.child(doorbell("doorbell@" + Integer.toHexString(bell.label()), bell, bell.level() ? 4 : 1));
        }
        VmSpec spec = sources.spec();
        DtNode.Builder root = DtNode.builder("")
                .property("#address-cells", 2)
                .property("#size-cells", 2)
                .child(memory(spec))
                .child(cpusNode.build())
                .child(hyp.build())
                .child(console());
        sources.devices().forEach(d -> root.child(device(d, 4)));
        return root.build();
    }

    /** A plugged device's node: {@code <model>@<base>}, its window, its SPI with {@code flags}, DMA coherent (our RAM is). */
    static DtNode device(DevicetreeSources.DeviceNode d, int flags) {
        return DtNode.builder(d.model() + "@" + Long.toHexString(d.base()))
                .property("compatible", d.compatible())
                .propertyU64("reg", d.base(), d.size())
                .property("interrupts", 0, d.spi(), flags)
                .property("dma-coherent")
                .build();
    }

    /** The /hypervisor node the resource manager reads the doorbells from (VmDescription). */
    static DtNode.Builder hypervisor() {
        return DtNode.builder("hypervisor").property("compatible", "gunyah-hypervisor-1.0", "gunyah-hypervisor");
    }

    /** A doorbell node as VmDescription reads it; {@code flags} is the interrupts property's informational third cell (1 edge, 4 level). */
    static DtNode doorbell(String name, VmTopology.Doorbell bell, int flags) {
        return DtNode.builder(name)
                .property("compatible", "gunyah-doorbell")
                .property("gunyah,label", bell.label())
                .property("interrupts", 0, bell.spi(), flags)
                .property("gunyah,target-cpu", bell.targetCpu())
                .build();
    }

    static DtNode memory(VmSpec spec) {
        return DtNode.builder("memory@" + Long.toHexString(spec.ramBase()))
                .property("device_type", "memory")
                .propertyU64("reg", spec.ramBase(), spec.memorySize())
                .build();
    }

    static DtNode console() {
        return DtNode.builder("console@" + Long.toHexString(Devices.CONSOLE_BASE))
                .property("compatible", "gunyah-vmm,console")
                .propertyU64("reg", Devices.CONSOLE_BASE, Devices.CONSOLE_SIZE)
                .build();
    }
}
