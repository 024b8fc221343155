package org.gunyah.vmm.api.admin;

import java.util.List;
import java.util.Optional;

/** What consoles show of the function registry and the VMs. */
public interface FunctionAdmin {
    /** Every function type that has a provider or a refused candidate, by type number. */
    List<FunctionTypeInfo> functionTypes();

    Optional<FunctionTypeInfo> functionType(int type);

    List<VmInfo> listVms();
}
