package org.gunyah.vmm.internal.osgi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.internal.osgi.FunctionBundleIndex.FunctionBundle;
import org.osgi.framework.Bundle;

/**
 * What a console lists as known function types: the registry's bound ones, plus those only
 * declared by installed bundles (the preferred bundle of each), which a first use would load.
 */
final class KnownFunctionTypes {
    private final FunctionBundleIndex index;
    private final VmManagerCore core;

    KnownFunctionTypes(FunctionBundleIndex index, VmManagerCore core) {
        this.index = index;
        this.core = core;
    }

    List<FunctionTypeInfo> all() {
        Map<Integer, FunctionTypeInfo> byType = new TreeMap<>();
        core.functionTypes().forEach(t -> byType.put(t.type(), t));
        for (FunctionBundle f : index.all()) {
            byType.computeIfAbsent(f.type(), t -> declaredOnly(f));
        }
        return List.copyOf(byType.values());
    }

    Optional<FunctionTypeInfo> of(int type) {
        return core.functionType(type).or(() -> index.provider(type).map(KnownFunctionTypes::declaredOnly));
    }

    /** A type no service provides yet: its bundle, no service id (-1), no instances. */
    private static FunctionTypeInfo declaredOnly(FunctionBundle f) {
        Bundle b = f.bundle();
        return new FunctionTypeInfo(
                f.type(),
                new ProviderInfo(
                        f.name(),
                        -1,
                        b.getBundleId(),
                        b.getSymbolicName(),
                        b.getVersion().toString(),
                        BundleStates.name(b.getState())),
                List.of(),
                Map.of());
    }
}
