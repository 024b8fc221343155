package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Devices;

/**
 * The devicetree a managed VM starts with, written from its functions as a userspace VMM does:
 * a cpu node per vcpu function, a doorbell per distinct irqfd label (SPIs given out in label order
 * from 0, each aimed at the cpu {@code targets} names for its label, else the first), memory, and
 * the console. A device model's irqfd has its SPI fixed ({@link #FIXED_SPIS}: the PL011's label,
 * {@link Devices#PL011_LABEL}, gets {@link Devices#PL011_SPI}); the other labels' SPIs pass over it.
 */
final class GuestDevicetree {
    /** The SPIs of the device models' irqfd labels: a guest's driver finds them at these. */
    static final Map<Integer, Integer> FIXED_SPIS = Map.of(Devices.PL011_LABEL, Devices.PL011_SPI);

    private GuestDevicetree() {}

    static DtNode of(List<FunctionDesc> functions, Map<Integer, Integer> targets, long ramBase, long ramSize)
            throws GunyahException {
        TreeSet<Integer> cpus = new TreeSet<>();
        TreeSet<Integer> labels = new TreeSet<>();
        for (FunctionDesc f : functions) {
            if (f.type() == FunctionType.VCPU) {
                cpus.add(VcpuArg.decode(f.arg()).id());
            } else if (f.type() == FunctionType.IRQFD) {
                labels.add(IrqfdArg.decode(f.arg()).label());
            }
        }
        DtNode.Builder cpusNode =
                DtNode.builder("cpus").property("#address-cells", 1).property("#size-cells", 0);
        for (int id : cpus) {
            cpusNode.child(DtNode.builder("cpu@" + Integer.toHexString(id))
                    .property("device_type", "cpu")
                    .property("reg", id)
                    .build());
        }
        DtNode.Builder hyp =
                DtNode.builder("hypervisor").property("compatible", "gunyah-hypervisor-1.0", "gunyah-hypervisor");
        TreeSet<Integer> fixed = new TreeSet<>();
        labels.stream().filter(FIXED_SPIS::containsKey).forEach(l -> fixed.add(FIXED_SPIS.get(l)));
        int next = 0;
        for (int label : labels) {
            int spi;
            if (FIXED_SPIS.containsKey(label)) {
                spi = FIXED_SPIS.get(label);
            } else {
                while (fixed.contains(next)) {
                    next++;
                }
                spi = next++;
            }
            hyp.child(DtNode.builder("doorbell@" + Integer.toHexString(label))
                    .property("compatible", "gunyah-doorbell")
                    .property("gunyah,label", label)
                    .property("interrupts", 0, spi, FIXED_SPIS.containsKey(label) ? 4 : 1)
                    .property("gunyah,target-cpu", targets.getOrDefault(label, cpus.isEmpty() ? 0 : cpus.first()))
                    .build());
        }
        return DtNode.builder("")
                .property("#address-cells", 2)
                .property("#size-cells", 2)
                .child(DtNode.builder("memory@" + Long.toHexString(ramBase))
                        .property("device_type", "memory")
                        .propertyU64("reg", ramBase, ramSize)
                        .build())
                .child(cpusNode.build())
                .child(hyp.build())
                .child(DtNode.builder("console@" + Long.toHexString(Devices.CONSOLE_BASE))
                        .property("compatible", "gunyah-vmm,console")
                        .propertyU64("reg", Devices.CONSOLE_BASE, Devices.CONSOLE_SIZE)
                        .build())
                .build();
    }
}
