package org.gunyah.vmm.internal.osgi;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.internal.osgi.FunctionBundleIndex.FunctionBundle;
import org.gunyah.vmm.internal.osgi.FunctionInstaller.Installed;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * insmod for function bundles: fetches the jar, refuses what cannot be a new function type
 * (EINVAL, EEXIST), has it installed, starts it and waits, bounded, for its service. A failure at
 * any step leaves nothing: no bundle, no copy in the function folder.
 */
final class FunctionDeployer {
    private final BundleContext context;
    private final FunctionBundleIndex index;
    private final FunctionInstaller installer;
    private final VmManagerCore core;
    private final Duration timeout;

    FunctionDeployer(
            BundleContext context,
            FunctionBundleIndex index,
            FunctionInstaller installer,
            VmManagerCore core,
            Duration timeout) {
        this.context = context;
        this.index = index;
        this.installer = installer;
        this.core = core;
        this.timeout = timeout;
    }

    FunctionTypeInfo deploy(URI source) throws GunyahException {
        FunctionJar jar = FunctionJar.fetch(source);
        refuseInstalledTwin(jar);
        Installed installed = null;
        try {
            installed = installer.install(jar, this::checkedType);
            return start(
                    installed.bundle(),
                    FunctionBundleIndex.declaration(installed.bundle())
                            .orElseThrow()
                            .type());
        } catch (GunyahException e) {
            discard(installed);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            discard(installed);
            throw GunyahException.of(Errno.EINTR, "deploy of %s interrupted", source);
        }
    }

    private FunctionTypeInfo start(Bundle bundle, int type) throws GunyahException, InterruptedException {
        try {
            bundle.start();
        } catch (BundleException e) {
            throw new GunyahException(Errno.ENOENT, bundle.getSymbolicName() + " did not start: " + e.getMessage(), e);
        }
        if (core.registry()
                .awaitProvider(type, timeout.toNanos(), TimeUnit.NANOSECONDS)
                .isEmpty()) {
            throw GunyahException.of(
                    Errno.ENOENT,
                    "%s registered no VmFunction of type %s within %s",
                    bundle.getSymbolicName(),
                    Integer.toUnsignedString(type),
                    timeout);
        }
        return core.functionType(type).orElseThrow();
    }

    private static void discard(Installed installed) {
        if (installed != null) {
            installed.discard();
        }
    }

    /** The bundle's function type; EINVAL when it declares none, EEXIST when another bundle declares it. */
    private int checkedType(Bundle bundle) throws GunyahException {
        FunctionBundle declared = FunctionBundleIndex.declaration(bundle)
                .orElseThrow(() -> GunyahException.of(
                        Errno.EINVAL,
                        "%s %s declares no gunyah.function capability: it is not a function bundle",
                        bundle.getSymbolicName(),
                        bundle.getVersion()));
        Optional<Bundle> other = index.providers(declared.type()).stream()
                .map(FunctionBundle::bundle)
                .filter(b -> b != bundle)
                .findFirst();
        if (other.isPresent()) {
            throw GunyahException.of(
                    Errno.EEXIST,
                    "function type %s is already provided by %s %s (bundle %d)",
                    declared.typeName(),
                    other.get().getSymbolicName(),
                    other.get().getVersion(),
                    other.get().getBundleId());
        }
        return declared.type();
    }

    /** EEXIST for a jar whose symbolic name and version are installed already (the framework would refuse it). */
    private void refuseInstalledTwin(FunctionJar jar) throws GunyahException {
        Optional<FunctionJar.Identity> id = jar.identity();
        if (id.isEmpty()) {
            return;
        }
        Optional<Bundle> twin = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.UNINSTALLED)
                .filter(b -> id.get().symbolicName().equals(b.getSymbolicName())
                        && id.get().version().equals(b.getVersion()))
                .findFirst();
        if (twin.isPresent()) {
            throw GunyahException.of(
                    Errno.EEXIST,
                    "%s %s is installed already (bundle %d)",
                    id.get().symbolicName(),
                    id.get().version(),
                    twin.get().getBundleId());
        }
    }
}
