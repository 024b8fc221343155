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
 * Follows a folder watcher (FileInstall) acting on one file of its folder: the bundle's INSTALLED
 * or UNINSTALLED event, then the package refresh the watcher does right after. Only then may a
 * new bundle be started (a start racing that refresh would be undone by it), and only then may the
 * same file be written again (a watcher that has not seen the file go would not see it come back
 * unchanged). Opened before the file is touched, so that no event is missed (the framework
 * delivers both kinds in order, on one thread).
 */
final class WatcherStep implements AutoCloseable {
    private final BundleContext context;
    private final Path file;
    private final int eventType;
    private final CompletableFuture<Bundle> done = new CompletableFuture<>();
    private volatile Bundle changed;

    private final BundleListener bundles = this::bundleChanged;
    private final FrameworkListener framework = this::frameworkEvent;

    private WatcherStep(BundleContext context, Path file, int eventType) {
        this.context = context;
        this.file = file;
        this.eventType = eventType;
        context.addBundleListener(bundles);
        context.addFrameworkListener(framework);
    }

    /** The watcher installing {@code file}. */
    static WatcherStep install(BundleContext context, Path file) {
        return new WatcherStep(context, file, BundleEvent.INSTALLED);
    }

    /** The watcher uninstalling the bundle of {@code file} once the file is deleted. */
    static WatcherStep uninstall(BundleContext context, Path file) {
        return new WatcherStep(context, file, BundleEvent.UNINSTALLED);
    }

    private void bundleChanged(BundleEvent event) {
        if (event.getType() == eventType && FunctionRepository.isAt(event.getBundle(), file)) {
            changed = event.getBundle();
        }
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED && changed != null) {
            done.complete(changed);
        }
    }

    /** The bundle, once installed or uninstalled and refreshed; ENOENT when the watcher did not get that far in time. */
    Bundle await(Duration timeout) throws GunyahException, InterruptedException {
        try {
            return done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw GunyahException.of(
                    Errno.ENOENT,
                    "the watcher of %s did not %s %s within %s%s",
                    file.getParent(),
                    eventType == BundleEvent.INSTALLED ? "install" : "uninstall",
                    file.getFileName(),
                    timeout,
                    changed == null
                            ? ""
                            : " (" + (eventType == BundleEvent.INSTALLED ? "installed" : "uninstalled")
                                    + ", never refreshed)");
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
