package org.gunyah.vmm.internal.osgi;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.internal.osgi.FunctionBundleIndex.FunctionBundle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * rmmod for function bundles, the careful path: refused with EBUSY, naming the VMs, while instances
 * exist, unless forced; a forced one stops the bundle, and stopping unbinds every instance first.
 * With UNINSTALL the bundle also goes, and its jar leaves the function folder.
 */
final class FunctionUndeployer {
    private final FunctionBundleIndex index;
    private final FunctionInstaller installer;
    private final VmManagerCore core;

    FunctionUndeployer(FunctionBundleIndex index, FunctionInstaller installer, VmManagerCore core) {
        this.index = index;
        this.installer = installer;
        this.core = core;
    }

    void undeploy(String typeOrName, UndeployOption... options) throws GunyahException {
        Set<UndeployOption> opts =
                options.length == 0 ? EnumSet.noneOf(UndeployOption.class) : EnumSet.copyOf(Arrays.asList(options));
        FunctionBundle named = chosen(index.named(typeOrName))
                .orElseThrow(() ->
                        GunyahException.of(Errno.ENOENT, "no installed bundle provides function type %s", typeOrName));
        Bundle bundle = named.bundle();
        Optional<FunctionTypeInfo> info = boundInfo(named);
        if (info.isPresent() && info.get().instances() > 0 && !opts.contains(UndeployOption.FORCE)) {
            throw GunyahException.of(
                    Errno.EBUSY,
                    "function type %s (%s) is in use: %s; undeploy with force to unbind them",
                    named.typeName(),
                    info.get().provider().name(),
                    users(info.get().instancesByVm()));
        }
        try {
            bundle.stop();
            if (opts.contains(UndeployOption.UNINSTALL)) {
                installer.uninstall(bundle);
            }
        } catch (BundleException | IllegalStateException e) {
            throw GunyahException.of(Errno.EIO, "undeploy of %s failed: %s", bundle.getSymbolicName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "undeploy of %s interrupted", bundle.getSymbolicName());
        }
    }

    /** Of the bundles a name matches, the one whose service is bound for its type, else the preferred. */
    private Optional<FunctionBundle> chosen(List<FunctionBundle> candidates) {
        return candidates.stream()
                .filter(f -> boundInfo(f).isPresent())
                .findFirst()
                .or(() -> candidates.stream().findFirst());
    }

    /** The registry's view of the type while this bundle's service is the bound one. */
    private Optional<FunctionTypeInfo> boundInfo(FunctionBundle f) {
        return core.functionType(f.type())
                .filter(i -> i.provider().bundleId() == f.bundle().getBundleId());
    }

    static String users(Map<Integer, Integer> instancesByVm) {
        return instancesByVm.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> "VM " + e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " instance)" : " instances)"))
                .collect(Collectors.joining(", "));
    }
}
