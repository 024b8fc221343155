package org.gunyah.vmm.internal.osgi;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.internal.osgi.FunctionBundleIndex.FunctionBundle;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * insmod and rmmod for function bundles. Undeploy is the careful path: it refuses while instances
 * exist unless forced; a forced one stops the bundle, and stopping unbinds every instance first.
 */
final class FunctionDeployer {
    private final BundleContext context;
    private final FunctionBundleIndex index;
    private final VmManagerCore core;
    private static final System.Logger LOG = System.getLogger(FunctionDeployer.class.getName());
    private final FrameworkSettings settings;
    private final Duration timeout;

    FunctionDeployer(BundleContext context, FunctionBundleIndex index, VmManagerCore core, FrameworkSettings settings) {
        this.context = context;
        this.index = index;
        this.core = core;
        this.settings = settings;
        this.timeout = settings.loadTimeout();
    }

    FunctionTypeInfo deploy(URI source) throws GunyahException {
        byte[] bytes;
        try (InputStream in = source.toURL().openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException | IllegalArgumentException e) {
            throw GunyahException.of(Errno.EINVAL, "cannot read %s: %s", source, e.getMessage());
        }
        refuseInstalledTwin(source, bytes);
        Path target = repositoryPath(source);
        boolean watched = target != null && settings.functionsWatched();
        if (watched) {
            // The folder's watcher is the one installer: check a probe, then let the watcher install the copy.
            Bundle probe = install(FunctionBundleIndex.PROBE_LOCATION_PREFIX + source, source, bytes);
            try {
                checkedType(probe);
            } finally {
                uninstallQuietly(probe);
            }
        }
        Path copy = null;
        Bundle bundle = null;
        try (WatcherStep watcher = watched ? WatcherStep.install(context, target) : null) {
            copy = repositoryCopy(source, bytes);
            bundle = watched ? watcher.await(timeout) : install(copy != null ? copy.toUri().toString() : source.toString(), source, bytes);
            int type = checkedType(bundle);
            try {
                bundle.start();
            } catch (BundleException e) {
                throw new GunyahException(Errno.ENOENT, bundle.getSymbolicName() + " did not start: " + e.getMessage(), e);
            }
            if (core.registry().awaitProvider(type, timeout.toNanos(), TimeUnit.NANOSECONDS).isEmpty()) {
                throw GunyahException.of(Errno.ENOENT, "%s registered no VmFunction of type %s within %s",
                        bundle.getSymbolicName(), Integer.toUnsignedString(type), timeout);
            }
            return core.functionType(type).orElseThrow();
        } catch (GunyahException e) {
            undo(bundle, copy);
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            undo(bundle, copy);
            throw GunyahException.of(Errno.EINTR, "deploy of %s interrupted", source);
        }
    }

    private static void undo(Bundle bundle, Path copy) {
        if (bundle != null) {
            uninstallQuietly(bundle);
        }
        deleteQuietly(copy);
    }

    private Bundle install(String location, URI source, byte[] bytes) throws GunyahException {
        try {
            return context.installBundle(location, new ByteArrayInputStream(bytes));
        } catch (BundleException | SecurityException | IllegalStateException e) {
            throw GunyahException.of(Errno.EINVAL, "%s is not an installable bundle: %s", source, e.getMessage());
        }
    }

    /** The bundle's function type; EINVAL when it declares none, EEXIST when another bundle declares it. */
    private int checkedType(Bundle bundle) throws GunyahException {
        int type = FunctionBundleIndex.declaration(bundle).orElseThrow(() -> GunyahException.of(Errno.EINVAL,
                "%s %s declares no gunyah.function capability: it is not a function bundle",
                bundle.getSymbolicName(), bundle.getVersion())).type();
        Optional<Bundle> other = index.providers(type).stream().map(FunctionBundle::bundle).filter(b -> b != bundle).findFirst();
        if (other.isPresent()) {
            throw GunyahException.of(Errno.EEXIST, "function type %s is already provided by %s %s (bundle %d)",
                    Integer.toUnsignedString(type), other.get().getSymbolicName(), other.get().getVersion(), other.get().getBundleId());
        }
        return type;
    }

    /** EEXIST for a jar whose symbolic name and version are installed already (the framework would refuse it). */
    private void refuseInstalledTwin(URI source, byte[] bytes) throws GunyahException {
        try (JarInputStream jar = new JarInputStream(new ByteArrayInputStream(bytes))) {
            Manifest m = jar.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue("Bundle-SymbolicName");
            if (bsn == null) {
                return; // install reports what is wrong with it
            }
            String name = bsn.split(";")[0].strip();
            String version = m.getMainAttributes().getValue("Bundle-Version");
            org.osgi.framework.Version v = version == null ? org.osgi.framework.Version.emptyVersion
                    : org.osgi.framework.Version.parseVersion(version.strip());
            Optional<Bundle> twin = bundles().filter(b -> name.equals(b.getSymbolicName()) && v.equals(b.getVersion())).findFirst();
            if (twin.isPresent()) {
                throw GunyahException.of(Errno.EEXIST, "%s %s is installed already (bundle %d)", name, v, twin.get().getBundleId());
            }
        } catch (IOException | IllegalArgumentException e) {
            // not a jar, or a malformed version: install says so with the framework's words
        }
    }

    /** The bundle was installed from {@code file} (as file:/x, file:///x or a plain path). */
    static boolean isAt(Bundle b, Path file) {
        try {
            URI uri = new URI(b.getLocation()).normalize();
            return "file".equals(uri.getScheme()) && Path.of(uri).toAbsolutePath().normalize().equals(file);
        } catch (java.net.URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
    }

    /** Where the copy of {@code source} goes in the repository folder, or null when none is configured. */
    private Path repositoryPath(URI source) {
        if (settings.functionsDir().isEmpty()) {
            return null;
        }
        String path = source.getPath();
        String name = path == null || path.isEmpty() ? "deployed.jar" : Path.of(path).getFileName().toString();
        return settings.functionsDir().get().resolve(name.endsWith(".jar") ? name : name + ".jar").normalize();
    }

    /** The copy in the repository folder, or null when none is configured. */
    private Path repositoryCopy(URI source, byte[] bytes) throws GunyahException {
        Path copy = repositoryPath(source);
        if (copy == null) {
            return null;
        }
        String dir = copy.getParent().toString();
        try {
            Files.createDirectories(copy.getParent());
            if (Files.exists(copy)) {
                throw GunyahException.of(Errno.EEXIST, "the function repository already holds %s", copy.getFileName());
            }
            // Written beside and moved in whole, so that a folder watcher never reads half a jar.
            Path partial = copy.resolveSibling("." + copy.getFileName() + ".part");
            Files.write(partial, bytes);
            Files.move(partial, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return copy;
        } catch (IOException e) {
            throw GunyahException.of(Errno.EIO, "cannot copy %s into %s: %s", source, dir, e.getMessage());
        }
    }

    void undeploy(String typeOrName, UndeployOption... options) throws GunyahException {
        Set<UndeployOption> opts = options.length == 0 ? EnumSet.noneOf(UndeployOption.class) : EnumSet.copyOf(Arrays.asList(options));
        FunctionBundle named = chosen(index.named(typeOrName)).orElseThrow(() -> GunyahException.of(Errno.ENOENT,
                "no installed bundle provides function type %s", typeOrName));
        Bundle bundle = named.bundle();
        Optional<FunctionTypeInfo> info = core.functionType(named.type()).filter(i -> i.provider().bundleId() == bundle.getBundleId());
        if (info.isPresent() && info.get().instances() > 0 && !opts.contains(UndeployOption.FORCE)) {
            throw GunyahException.of(Errno.EBUSY, "function type %s (%s) is in use: %s; undeploy with force to unbind them",
                    named.typeName(), info.get().provider().name(), users(info.get().instancesByVm()));
        }
        try {
            bundle.stop();
            if (opts.contains(UndeployOption.UNINSTALL)) {
                uninstall(bundle);
            }
        } catch (BundleException | IllegalStateException e) {
            throw GunyahException.of(Errno.EIO, "undeploy of %s failed: %s", bundle.getSymbolicName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "undeploy of %s interrupted", bundle.getSymbolicName());
        }
    }

    /**
     * Uninstalls a stopped function bundle and deletes its jar from the repository folder. When a
     * watcher owns that folder, deleting the jar is the uninstall: the watcher must see the file
     * go, or a deploy of the same jar soon after would look unchanged to it and never install.
     */
    private void uninstall(Bundle bundle) throws BundleException, InterruptedException {
        Path file = repositoryFile(bundle.getLocation());
        if (file == null) {
            bundle.uninstall();
            return;
        }
        if (!settings.functionsWatched()) {
            bundle.uninstall();
            deleteQuietly(file);
            return;
        }
        try (WatcherStep watcher = WatcherStep.uninstall(context, file)) {
            deleteQuietly(file);
            watcher.await(timeout);
        } catch (GunyahException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}; uninstalling it directly", e.getMessage());
        }
        if (bundle.getState() != Bundle.UNINSTALLED) {
            bundle.uninstall();
        }
    }

    static String users(Map<Integer, Integer> instancesByVm) {
        return instancesByVm.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> "VM " + e.getKey() + " (" + e.getValue() + (e.getValue() == 1 ? " instance)" : " instances)"))
                .collect(Collectors.joining(", "));
    }

    /** The jar a bundle was installed from when it lies in the repository folder, else null. */
    private Path repositoryFile(String location) {
        if (settings.functionsDir().isEmpty() || !location.startsWith("file:")) {
            return null;
        }
        try {
            Path file = Path.of(URI.create(location)).toAbsolutePath().normalize();
            return file.getParent().equals(settings.functionsDir().get()) ? file : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    /**
     * The registry's types plus those only declared by installed bundles (the highest version
     * each), which a first use would load: what a console lists as "known".
     */
    java.util.List<FunctionTypeInfo> withInstalled(java.util.List<FunctionTypeInfo> registered) {
        Map<Integer, FunctionTypeInfo> byType = new java.util.TreeMap<>();
        registered.forEach(t -> byType.put(t.type(), t));
        for (FunctionBundle f : index.all()) {
            Bundle b = f.bundle();
            byType.computeIfAbsent(f.type(), t -> new FunctionTypeInfo(t,
                    new ProviderInfo(f.name(), -1, b.getBundleId(), b.getSymbolicName(), b.getVersion().toString(),
                            BundleStates.name(b.getState())),
                    java.util.List.of(), Map.of()));
        }
        return java.util.List.copyOf(byType.values());
    }

    /** Of the bundles a name matches, the one whose service is bound for its type, else the preferred. */
    private Optional<FunctionBundle> chosen(java.util.List<FunctionBundle> candidates) {
        return candidates.stream().filter(f -> core.functionType(f.type())
                .filter(i -> i.provider().bundleId() == f.bundle().getBundleId()).isPresent())
                .findFirst().or(() -> candidates.stream().findFirst());
    }

    private java.util.stream.Stream<Bundle> bundles() {
        return Arrays.stream(context.getBundles()).filter(b -> b.getState() != Bundle.UNINSTALLED);
    }

    private static void uninstallQuietly(Bundle b) {
        try {
            b.uninstall();
        } catch (BundleException | IllegalStateException e) {
            // already gone
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort: the repository folder is ours to tidy, not the caller's failure
            }
        }
    }
}
