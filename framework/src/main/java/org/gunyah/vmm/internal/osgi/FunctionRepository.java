package org.gunyah.vmm.internal.osgi;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The function repository folder ({@link FrameworkSettings#functionsDir()}): the module files that
 * depmod would index. Its bundles are installed at boot and left unstarted, so their
 * {@code gunyah.function} capabilities are known and the loader can start one when its type is
 * first asked for. When a folder watcher installs the folder's jars
 * ({@link FrameworkSettings#functionsWatched()}), the framework installs nothing from it at boot,
 * and a deploy copies into it and waits for the watcher, so that each jar has exactly one installer.
 */
final class FunctionRepository {
    private static final Logger LOG = System.getLogger(FunctionRepository.class.getName());

    private FunctionRepository() {
    }

    /**
     * Waits until the folder's watcher has installed every jar in the folder, or the deadline
     * passes; true when none is left pending. Woken by bundle INSTALLED events.
     */
    static boolean awaitWatcher(BundleContext context, FrameworkSettings settings, long deadlineNanos) throws InterruptedException {
        if (settings.functionsDir().isEmpty()) {
            return true;
        }
        Path dir = settings.functionsDir().get();
        Object monitor = new Object();
        org.osgi.framework.BundleListener listener = event -> {
            synchronized (monitor) {
                monitor.notifyAll();
            }
        };
        context.addBundleListener(listener);
        try {
            synchronized (monitor) {
                while (!pending(context, dir).isEmpty()) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(monitor, left);
                }
                return true;
            }
        } finally {
            context.removeBundleListener(listener);
        }
    }

    /** The folder's jars that no installed bundle came from. */
    private static List<Path> pending(BundleContext context, Path folder) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            Bundle[] bundles = context.getBundles();
            for (Path jar : jars) {
                Path file = jar.toAbsolutePath().normalize();
                if (java.util.Arrays.stream(bundles).noneMatch(b -> FunctionDeployer.isAt(b, file))) {
                    out.add(jar);
                }
            }
        } catch (IOException e) {
            // an unreadable folder has nothing to wait for
        }
        return out;
    }

    /** Installs (without starting) every jar in the folder not installed yet; returns them. */
    static List<Bundle> installAll(BundleContext context, FrameworkSettings settings) {
        List<Bundle> installed = new ArrayList<>();
        if (settings.functionsDir().isEmpty() || settings.functionsWatched()) {
            return installed;
        }
        Path folder = settings.functionsDir().get();
        if (!Files.isDirectory(folder)) {
            LOG.log(Level.WARNING, "function repository {0} is not a folder; no function bundles installed from it", folder);
            return installed;
        }
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path jar : jars) {
                String location = jar.toAbsolutePath().toUri().toString();
                Path file = jar.toAbsolutePath().normalize();
                if (java.util.Arrays.stream(context.getBundles()).anyMatch(b -> FunctionDeployer.isAt(b, file))) {
                    continue;
                }
                try {
                    installed.add(context.installBundle(location));
                } catch (BundleException e) {
                    LOG.log(Level.ERROR, "function repository: cannot install " + jar + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.log(Level.ERROR, "function repository " + folder + " cannot be read: " + e.getMessage());
        }
        return installed;
    }
}
