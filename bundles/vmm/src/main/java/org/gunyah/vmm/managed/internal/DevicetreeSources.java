package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.managed.VmSpec;

/**
 * What a VM's devicetree is written from at start: its spec (RAM, device models), its bound
 * functions, the vCPU each irqfd label's interrupt is aimed at ({@code targets}) and the devices
 * of device bundles on its bus.
 */
record DevicetreeSources(
        VmSpec spec, List<FunctionDesc> functions, Map<Integer, Integer> targets, List<DeviceNode> devices) {
    /** A plugged device as the devicetree names it: {@code <model>@<base>}, its window, its SPI, its irqfd's label. */
    record DeviceNode(String model, String compatible, long base, long size, int spi, int label) {}

    DevicetreeSources {
        functions = List.copyOf(functions);
        targets = Map.copyOf(targets);
        devices = List.copyOf(devices);
    }

    DevicetreeSources(VmSpec spec, List<FunctionDesc> functions, Map<Integer, Integer> targets) {
        this(spec, functions, targets, List.of());
    }
}
