package org.gunyah.vmm.managed.internal;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;

/**
 * The cpus and doorbells a VM's functions declare, as every devicetree of the VMM writes them: a
 * cpu per vcpu function (by id), a doorbell per distinct irqfd label in label order. A label a
 * device model wired keeps its SPI; the others get the free SPIs from 0 up, skipping the wired ones
 * and those the devicetree's own devices use. A doorbell is aimed at the cpu its label's target
 * names, else the first; it is level-triggered when its label's first irqfd is.
 */
record VmTopology(List<Integer> cpus, List<Doorbell> doorbells) {
    /** The highest SPI a doorbell may have (VmDescription's limit). */
    static final int MAX_SPI = 987;

    record Doorbell(int label, int spi, int targetCpu, boolean level) {}

    VmTopology {
        cpus = List.copyOf(cpus);
        doorbells = List.copyOf(doorbells);
    }

    /** EINVAL when the SPIs run out or a wired SPI is out of range or taken twice. */
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
        // A device's own label is wired to the device's SPI: only two wired labels clash.
        Set<Integer> wiredSpis = new HashSet<>();
        for (var wire : sources.wired().entrySet()) {
            int spi = wire.getValue();
            if (spi < 0 || spi > MAX_SPI || !wiredSpis.add(spi)) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "irqfd label %d is wired to SPI %d, which is out of 0..%d or already used",
                        wire.getKey(),
                        spi,
                        MAX_SPI);
            }
        }
        Set<Integer> taken = new HashSet<>(deviceSpis);
        taken.addAll(wiredSpis);
        int first = cpus.isEmpty() ? 0 : cpus.first();
        List<Doorbell> bells = new ArrayList<>();
        int next = 0;
        for (var label : labels.entrySet()) {
            Integer spi = sources.wired().get(label.getKey());
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
