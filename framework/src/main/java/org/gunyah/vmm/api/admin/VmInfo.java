package org.gunyah.vmm.api.admin;

import java.util.List;

import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.VmState;

/** One VM as a console shows it. */
public record VmInfo(int id, String hypervisor, VmState state, List<FunctionDesc> functions) {
    public VmInfo {
        functions = List.copyOf(functions);
    }
}
