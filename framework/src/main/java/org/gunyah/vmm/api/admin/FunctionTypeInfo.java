package org.gunyah.vmm.api.admin;

import java.util.List;
import java.util.Map;

/**
 * One function type as the framework binds it: its provider, the providers refused because the
 * type was taken, and who uses it ({@code instancesByVm}: VM id to number of instances).
 */
public record FunctionTypeInfo(
        int type, ProviderInfo provider, List<ProviderInfo> refused, Map<Integer, Integer> instancesByVm) {

    public FunctionTypeInfo {
        refused = List.copyOf(refused);
        instancesByVm = Map.copyOf(instancesByVm);
    }

    public int instances() {
        return instancesByVm.values().stream().mapToInt(Integer::intValue).sum();
    }
}
