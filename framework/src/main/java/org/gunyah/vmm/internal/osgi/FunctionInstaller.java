package org.gunyah.vmm.internal.osgi;

import java.nio.file.Path;
import java.time.Duration;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * Who installs a deployed jar and uninstalls an undeployed bundle: the framework itself
 * ({@link FrameworkInstaller}), or the function folder's watcher, FileInstall
 * ({@link WatcherInstaller}), when it owns the folder.
 */
sealed interface FunctionInstaller permits FrameworkInstaller, WatcherInstaller {

    static FunctionInstaller of(BundleContext context, FunctionRepository repository, Duration timeout) {
        return repository.watched()
                ? new WatcherInstaller(context, repository, timeout)
                : new FrameworkInstaller(context, repository);
    }

    /** Refuses a bundle (throws) or lets it be installed. */
    @FunctionalInterface
    interface Check {
        void check(Bundle bundle) throws GunyahException;
    }

    /** An installed jar: its bundle and its copy in the function folder (null when none). */
    record Installed(Bundle bundle, Path copy) {
        /** Undoes the install: the bundle uninstalled, the copy deleted. */
        void discard() {
            uninstallQuietly(bundle);
            FunctionRepository.deleteQuietly(copy);
        }
    }

    /**
     * Installs the jar, copied into the function folder when there is one, once {@code check}
     * accepts it; leaves nothing behind when it throws.
     */
    Installed install(FunctionJar jar, Check check) throws GunyahException, InterruptedException;

    /** Uninstalls a stopped bundle and deletes its jar from the function folder. */
    void uninstall(Bundle bundle) throws BundleException, InterruptedException;

    /** The framework installs the jar's bytes at {@code location}; EINVAL when it is no installable bundle. */
    static Bundle installBytes(BundleContext context, String location, FunctionJar jar) throws GunyahException {
        try {
            return context.installBundle(location, jar.open());
        } catch (BundleException | SecurityException | IllegalStateException e) {
            throw GunyahException.of(Errno.EINVAL, "%s is not an installable bundle: %s", jar.source(), e.getMessage());
        }
    }

    static void uninstallQuietly(Bundle b) {
        if (b != null) {
            try {
                b.uninstall();
            } catch (BundleException | IllegalStateException e) {
                // already gone
            }
        }
    }
}
