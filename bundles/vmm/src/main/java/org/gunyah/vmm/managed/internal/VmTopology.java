package org.gunyah.vmm.managed.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.managed.Devices;

/**
 * The cpus and doorbells a VM's functions declare, as every devicetree of the VMM writes them: a
 * cpu per vcpu function (by id), a doorbell per distinct irqfd label in label order. A device
 * model's irqfd label keeps its device's SPI ({@link #FIXED_SPIS}: the PL011's; a plugged device's, from
 * {@link DevicetreeSources#devices}); the other labels
 * get the free SPIs from 0 up, passing over those of the device labels present and those the
 * devicetree's own device nodes name (so a VM without a device model keeps its numbering). A doorbell is aimed at the cpu its label's target names, else the first; it is
 * level-triggered when its label's first irqfd is.
 */
record VmTopology(List<Integer> cpus, List<Doorbell> doorbells) {
    /** The highest SPI a doorbell may have (VmDescription's limit). */
    static final int MAX_SPI = 987;

    /** The SPIs of the built-in device models' irqfd labels: a guest's driver finds the interrupt there. */
    static final Map<Integer, Integer> FIXED_SPIS = Map.of(Devices.PL011_LABEL, Devices.PL011_SPI);

    record Doorbell(int label, int spi, int targetCpu, boolean level) {}

    VmTopology {
        cpus = List.copyOf(cpus);
        doorbells = List.copyOf(doorbells);
    }

    /** {@code deviceSpis}: SPIs the devicetree's device nodes name, which no other label may take. EINVAL when the SPIs run out. */
    static VmTopology of(DevicetreeSources sources, Set<Integer> deviceSpis) throws GunyahException {
        TreeSet<Integer> cpus = new TreeSet<>();
        TreeMap<Integer, Boolean> labels = new TreeMap<>();
        for (FunctionDesc f : sources.functions()) {
            if (f.type() == FunctionType.VCPU) {
                cpus.add(VcpuArg.decode(f.arg()).id());
            } else if (f.type() == FunctionType.IRQFD) {
                IrqfdArg irqfd = IrqfdArg.decode(f.arg());
                labels.putIfAbsent(irqfd.label(), irqfd.level());
            }
        }
        Map<Integer, Integer> fixed = new java.util.HashMap<>(FIXED_SPIS);
        sources.devices().forEach(d -> fixed.put(d.label(), d.spi()));
        Set<Integer> taken = new HashSet<>(deviceSpis);
        labels.keySet().stream().filter(fixed::containsKey).forEach(l -> taken.add(fixed.get(l)));
        int first = cpus.isEmpty() ? 0 : cpus.first();
        List<Doorbell> bells = new ArrayList<>();
        int next = 0;
        for (var label : labels.entrySet()) {
            Integer spi = fixed.get(label.getKey());
            if (spi == null) {
                while (taken.contains(next)) {
                    next++;
                }
                if (next > MAX_SPI) {
                    throw GunyahException.of(Errno.EINVAL, "more irqfd labels than SPIs 0..%d", MAX_SPI);
                }
                spi = next++;
            }
            bells.add(new Doorbell(
                    label.getKey(), spi, sources.targets().getOrDefault(label.getKey(), first), label.getValue()));
        }
        return new VmTopology(new ArrayList<>(cpus), bells);
    }
}
