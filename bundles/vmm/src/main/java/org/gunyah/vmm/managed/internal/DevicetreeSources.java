package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.managed.VmSpec;

/**
 * What a VM's devicetree is written from at start: its spec (RAM, device models), its bound
 * functions and the vCPU each irqfd label's interrupt is aimed at ({@code targets}).
 */
record DevicetreeSources(VmSpec spec, List<FunctionDesc> functions, Map<Integer, Integer> targets) {
    DevicetreeSources {
        functions = List.copyOf(functions);
        targets = Map.copyOf(targets);
    }
}
