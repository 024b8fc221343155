package org.gunyah.vmm.internal.osgi;

import java.nio.file.Path;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/** No watcher owns the function folder: the framework installs the copy (or the source) itself. */
final class FrameworkInstaller implements FunctionInstaller {
    private final BundleContext context;
    private final FunctionRepository repository;

    FrameworkInstaller(BundleContext context, FunctionRepository repository) {
        this.context = context;
        this.repository = repository;
    }

    @Override
    public Installed install(FunctionJar jar, Check check) throws GunyahException {
        Path copy = repository.copyIn(jar).orElse(null);
        Bundle bundle = null;
        try {
            bundle = FunctionInstaller.installBytes(
                    context,
                    copy != null ? copy.toUri().toString() : jar.source().toString(),
                    jar);
            check.check(bundle);
            return new Installed(bundle, copy);
        } catch (GunyahException e) {
            new Installed(bundle, copy).discard();
            throw e;
        }
    }

    @Override
    public void uninstall(Bundle bundle) throws BundleException {
        Path file = repository.fileOf(bundle).orElse(null);
        bundle.uninstall();
        FunctionRepository.deleteQuietly(file);
    }
}
