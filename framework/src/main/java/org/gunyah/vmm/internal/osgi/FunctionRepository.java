package org.gunyah.vmm.internal.osgi;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.BundleListener;

/**
 * The function repository folder ({@link FrameworkSettings#functionsDir()}): the module files that
 * depmod would index. Its bundles are installed at boot and left unstarted, so their
 * {@code gunyah.function} capabilities are known and the loader can start one when its type is
 * first asked for; a deploy copies its jar in. When a folder watcher installs the folder's jars
 * ({@link FrameworkSettings#functionsWatched()}), the framework installs nothing from it at boot,
 * so that each jar has exactly one installer.
 */
final class FunctionRepository {
    private static final Logger LOG = System.getLogger(FunctionRepository.class.getName());

    private final BundleContext context;
    private final Optional<Path> folder;
    private final boolean watched;

    FunctionRepository(BundleContext context, FrameworkSettings settings) {
        this.context = context;
        this.folder = settings.functionsDir();
        this.watched = settings.functionsWatched();
    }

    /** True when a watcher installs the folder's jars (and there is a folder). */
    boolean watched() {
        return watched && folder.isPresent();
    }

    /** Installs (without starting) every jar in the folder not installed yet, unless a watcher does; returns them. */
    List<Bundle> installAll() {
        List<Bundle> installed = new ArrayList<>();
        if (folder.isEmpty() || watched) {
            return installed;
        }
        if (!Files.isDirectory(folder.get())) {
            LOG.log(
                    Level.WARNING,
                    "function repository {0} is not a folder; no function bundles installed from it",
                    folder.get());
            return installed;
        }
        for (Path jar : pending()) {
            try {
                installed.add(context.installBundle(jar.toUri().toString()));
            } catch (BundleException e) {
                LOG.log(Level.ERROR, "function repository: cannot install " + jar + ": " + e.getMessage());
            }
        }
        return installed;
    }

    /**
     * Waits until the folder's watcher has installed every jar in the folder, or the deadline
     * passes; true when none is left pending. Woken by bundle events.
     */
    boolean awaitWatcher(long deadlineNanos) throws InterruptedException {
        if (folder.isEmpty()) {
            return true;
        }
        ReentrantLock lock = new ReentrantLock();
        Condition bundlesChanged = lock.newCondition();
        BundleListener listener = event -> {
            lock.lock();
            try {
                bundlesChanged.signalAll();
            } finally {
                lock.unlock();
            }
        };
        context.addBundleListener(listener);
        lock.lock();
        try {
            while (!pending().isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                bundlesChanged.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
            context.removeBundleListener(listener);
        }
    }

    /** The folder's jars that no installed bundle came from. */
    private List<Path> pending() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(folder.orElseThrow(), "*.jar")) {
            Bundle[] bundles = context.getBundles();
            for (Path jar : jars) {
                Path file = jar.toAbsolutePath().normalize();
                if (Arrays.stream(bundles).noneMatch(b -> isAt(b, file))) {
                    out.add(file);
                }
            }
        } catch (IOException e) {
            // an unreadable folder has nothing to install or wait for
        }
        return out;
    }

    /** Where a deployed jar's copy goes; empty when there is no folder. */
    Optional<Path> pathFor(FunctionJar jar) {
        return folder.map(f -> f.resolve(jar.fileName()).normalize());
    }

    /**
     * Copies the jar into the folder, whole (written beside and moved in, so that a watcher never
     * reads half a jar); empty when there is no folder. EEXIST when the folder holds that file
     * already, EIO when it cannot be written.
     */
    Optional<Path> copyIn(FunctionJar jar) throws GunyahException {
        Optional<Path> target = pathFor(jar);
        if (target.isEmpty()) {
            return target;
        }
        Path copy = target.get();
        try {
            Files.createDirectories(copy.getParent());
            if (Files.exists(copy)) {
                throw GunyahException.of(Errno.EEXIST, "the function repository already holds %s", copy.getFileName());
            }
            Path partial = copy.resolveSibling("." + copy.getFileName() + ".part");
            Files.write(partial, jar.bytes());
            Files.move(partial, copy, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw GunyahException.of(
                    Errno.EIO, "cannot copy %s into %s: %s", jar.source(), copy.getParent(), e.getMessage());
        }
    }

    /** The jar a bundle was installed from when it lies in the folder. */
    Optional<Path> fileOf(Bundle bundle) {
        String location = bundle.getLocation();
        if (folder.isEmpty() || !location.startsWith("file:")) {
            return Optional.empty();
        }
        try {
            Path file = Path.of(URI.create(location)).toAbsolutePath().normalize();
            return folder.get().equals(file.getParent()) ? Optional.of(file) : Optional.empty();
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return Optional.empty();
        }
    }

    /** The bundle was installed from {@code file} (as file:/x, file:///x or a plain path). */
    static boolean isAt(Bundle b, Path file) {
        try {
            URI uri = new URI(b.getLocation()).normalize();
            return "file".equals(uri.getScheme())
                    && Path.of(uri).toAbsolutePath().normalize().equals(file);
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
    }

    /** Best effort: the folder is ours to tidy, not the caller's failure. */
    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // left for the next deploy to report as EEXIST
            }
        }
    }
}
