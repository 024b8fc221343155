package org.gunyah.vmm.shell;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.vmm.ManagedVm;
import org.gunyah.vmm.vmm.ManagedVms;

/**
 * VM ids to the names the VMM gave them, and the functions each waits to get back; VMs made
 * elsewhere have neither.
 */
final class VmNames {
    private final Map<Integer, String> names = new HashMap<>();
    private final Map<Integer, List<FunctionDesc>> missing = new HashMap<>();

    VmNames(ManagedVms vms) {
        if (vms != null) {
            for (ManagedVm vm : vms.list()) {
                names.put(vm.vm().id(), vm.name());
                missing.put(vm.vm().id(), vm.missingFunctions());
            }
        }
    }

    String name(int id) {
        return names.getOrDefault(id, "-");
    }

    /** The functions the VM keeps whose type has no provider now (see {@link ManagedVm#missingFunctions}). */
    List<FunctionDesc> missing(int id) {
        return missing.getOrDefault(id, List.of());
    }

    /** The name, or the id where there is none. */
    String label(int id) {
        return names.getOrDefault(id, Integer.toString(id));
    }
}
