package org.gunyah.vmm.shell;

import java.util.HashMap;
import java.util.Map;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;

/** VM ids to the names the VMM gave them; VMs made elsewhere have none. */
final class VmNames {
    private final Map<Integer, String> names = new HashMap<>();

    VmNames(ManagedVms vms) {
        if (vms != null) {
            for (ManagedVm vm : vms.list()) {
                names.put(vm.vm().id(), vm.name());
            }
        }
    }

    String name(int id) {
        return names.getOrDefault(id, "-");
    }

    /** The name, or the id where there is none. */
    String label(int id) {
        return names.getOrDefault(id, Integer.toString(id));
    }
}
