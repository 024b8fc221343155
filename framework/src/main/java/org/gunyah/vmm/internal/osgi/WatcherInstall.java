package org.gunyah.vmm.internal.osgi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;

/**
 * Follows a folder watcher (FileInstall) installing one file: the bundle's INSTALLED event, then
 * the package refresh the watcher does right after installing. Only then may the bundle be started:
 * a start racing that refresh would be undone by it. Opened before the file is written, so that no
 * event is missed (the framework delivers both kinds in order, on one thread).
 */
final class WatcherInstall implements AutoCloseable {
    private final BundleContext context;
    private final Path file;
    private final CompletableFuture<Bundle> ready = new CompletableFuture<>();
    private volatile Bundle installed;

    private final BundleListener bundles = this::bundleChanged;
    private final FrameworkListener framework = this::frameworkEvent;

    WatcherInstall(BundleContext context, Path file) {
        this.context = context;
        this.file = file;
        context.addBundleListener(bundles);
        context.addFrameworkListener(framework);
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.INSTALLED && FunctionDeployer.isAt(event.getBundle(), file)) {
            installed = event.getBundle();
        }
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED && installed != null) {
            ready.complete(installed);
        }
    }

    /** The bundle, installed and refreshed; ENOENT when the watcher did not get that far in time. */
    Bundle await(Duration timeout) throws GunyahException, InterruptedException {
        try {
            return ready.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw GunyahException.of(Errno.ENOENT, "the watcher of %s did not install %s within %s%s", file.getParent(),
                    file.getFileName(), timeout, installed == null ? "" : " (installed, never refreshed)");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        context.removeBundleListener(bundles);
        context.removeFrameworkListener(framework);
    }
}
