package org.gunyah.vmm.api.admin;

import java.util.List;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.VmState;

/**
 * One VM as a console shows it, with what its functions hold: {@code tickets} (resource tickets
 * registered), {@code ioHandlers} (guest addresses taken), and {@code unclaimedResources} (the
 * hypervisor's resources for the VM that no ticket holds, back to where they started once every
 * function is gone).
 */
public record VmInfo(
        int id,
        String hypervisor,
        VmState state,
        List<FunctionDesc> functions,
        int tickets,
        int ioHandlers,
        int unclaimedResources) {
    public VmInfo {
        functions = List.copyOf(functions);
    }
}
