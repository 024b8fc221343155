package org.gunyah.vmm.internal.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * A folder watcher (FileInstall) owns the function folder and is its one installer: a deploy checks
 * the jar on a probe bundle, copies it in and waits for the watcher to install it; an uninstall
 * deletes the jar and waits for the watcher to see it go (a watcher that missed that would take a
 * later copy of the same jar for unchanged and never install it).
 */
final class WatcherInstaller implements FunctionInstaller {
    private static final Logger LOG = System.getLogger(WatcherInstaller.class.getName());

    private final BundleContext context;
    private final FunctionRepository repository;
    private final Duration timeout;

    WatcherInstaller(BundleContext context, FunctionRepository repository, Duration timeout) {
        this.context = context;
        this.repository = repository;
        this.timeout = timeout;
    }

    @Override
    public Installed install(FunctionJar jar, Check check) throws GunyahException, InterruptedException {
        // Checked before the watcher can see it: a refused jar never enters the folder.
        Bundle probe =
                FunctionInstaller.installBytes(context, FunctionBundleIndex.PROBE_LOCATION_PREFIX + jar.source(), jar);
        try {
            check.check(probe);
        } finally {
            FunctionInstaller.uninstallQuietly(probe);
        }
        Path copy = null;
        Bundle bundle = null;
        try (WatcherStep watcher =
                WatcherStep.install(context, repository.pathFor(jar).orElseThrow())) {
            copy = repository.copyIn(jar).orElseThrow();
            bundle = watcher.await(timeout);
            check.check(bundle);
            return new Installed(bundle, copy);
        } catch (GunyahException | InterruptedException e) {
            new Installed(bundle, copy).discard();
            throw e;
        }
    }

    @Override
    public void uninstall(Bundle bundle) throws BundleException, InterruptedException {
        Optional<Path> file = repository.fileOf(bundle);
        if (file.isPresent()) {
            try (WatcherStep watcher = WatcherStep.uninstall(context, file.get())) {
                FunctionRepository.deleteQuietly(file.get());
                watcher.await(timeout);
            } catch (GunyahException e) {
                LOG.log(Level.WARNING, "{0}; uninstalling it directly", e.getMessage());
            }
        }
        if (bundle.getState() != Bundle.UNINSTALLED) {
            bundle.uninstall();
        }
    }
}
