package org.gunyah.vmm.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The framework cache of a runtime folder: {@code cache/felix}, kept from one start to the next
 * while {@link #key the key} (the bundles of {@code system/} and its later folders, {@code web/}
 * and {@code remote/}, the framework's jar and the framework's settings) is unchanged, so that a
 * start does not copy and install the system bundles again. Any change to the key, a cache whose
 * filling did not end (the key is written only once the system bundles are in), or {@code
 * org.osgi.framework.storage.clean=onFirstInit} gives a fresh cache. A second runtime on the same folder while the first runs (a script beside a service)
 * gets a temporary cache of its own, as does a runtime whose folder it cannot write.
 *
 * <p>Only the bundles of {@code system/} and its later folders are kept: the folders are the
 * runtime's state, so {@link Launcher} uninstalls every other bundle (FileInstall installs those of
 * {@code functions/} and {@code deploy/} again, unstarted and started as they were before), and the
 * bundles' data areas (Configuration Admin's store among them) start empty at every start, as they
 * did when every start had a fresh cache.
 */
final class FrameworkCache implements AutoCloseable {
    static final String FOLDER = "cache";
    static final String STORAGE = "felix";
    static final String KEY = "felix.key";
    static final String LOCK = "felix.lock";
    static final String CLEAN = "org.osgi.framework.storage.clean";
    static final String STATE = "gunyah.framework.cache";
    /** Differs between the console and other starts, and is not kept in the cache. */
    static final String BEGINNING_START_LEVEL = "org.osgi.framework.startlevel.beginning";

    private final Path storage;
    private final Path keyFile;
    private final String key;
    private final boolean reused;
    private final FileChannel lockChannel;

    private FrameworkCache(Path storage, Path keyFile, String key, boolean reused, FileChannel lockChannel) {
        this.storage = storage;
        this.keyFile = keyFile;
        this.key = key;
        this.reused = reused;
        this.lockChannel = lockChannel;
    }

    /**
     * The cache for a start of the runtime in {@code home} with {@code config} (the framework's
     * properties): the folder's own, reused or emptied, or a temporary one when another runtime
     * holds it or the folder cannot be written.
     */
    static FrameworkCache open(Path home, Map<String, String> config) throws IOException {
        if (!"onFirstInit".equals(config.get(CLEAN))) {
            try {
                FrameworkCache kept = openKept(home, config);
                if (kept != null) {
                    return kept;
                }
            } catch (IOException | UncheckedIOException e) {
                // a folder the runtime cannot write: a start as before, with a cache of its own
            }
        }
        return new FrameworkCache(Files.createTempDirectory("gunyah-felix-"), null, null, false, null);
    }

    private static FrameworkCache openKept(Path home, Map<String, String> config) throws IOException {
        Path folder = home.resolve(FOLDER);
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(
                    folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        FileChannel channel =
                FileChannel.open(folder.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null; // this process holds it already
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return null; // another runtime runs this folder
        }
        Path storage = folder.resolve(STORAGE);
        Path keyFile = folder.resolve(KEY);
        String key = key(home, config);
        boolean reused = Files.isDirectory(storage) && key.equals(read(keyFile));
        if (!reused) {
            // the key goes first: a start that dies while filling the cache leaves none behind
            Files.deleteIfExists(keyFile);
            deleteTree(storage);
            Files.createDirectories(storage);
        } else {
            deleteDataAreas(storage);
        }
        return new FrameworkCache(storage, keyFile, key, reused, channel);
    }

    /** The framework's storage folder. */
    Path storage() {
        return storage;
    }

    /**
     * How this start got its cache, for the framework property {@value #STATE}: {@code reused} (the
     * system bundles are in it from an earlier start), {@code fresh} (the folder's, emptied), or
     * {@code temporary} (one of its own, deleted when it stops).
     */
    String state() {
        return lockChannel == null ? "temporary" : reused ? "reused" : "fresh";
    }

    /** Whether the system bundles are in it already, from an earlier start. */
    boolean reused() {
        return reused;
    }

    /**
     * Whether {@code location} is a bundle the cache keeps: a jar of {@code system/} itself or of
     * one of its later folders ({@link Launcher#LATER}).
     */
    static boolean kept(Path home, String location) {
        Path system = home.resolve("system");
        try {
            Path folder = Path.of(java.net.URI.create(location)).getParent();
            return system.equals(folder)
                    || Launcher.LATER.stream()
                            .anyMatch(later -> system.resolve(later).equals(folder));
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return false;
        }
    }

    /** Called once the system bundles are installed and started: from now on the cache is reused. */
    void filled() throws IOException {
        if (keyFile == null || reused) {
            return;
        }
        Path written = Files.createTempFile(keyFile.getParent(), KEY, ".part");
        Files.writeString(written, key, StandardCharsets.UTF_8);
        Files.move(written, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Lets the next start have the folder's cache; a temporary one is deleted. */
    @Override
    public void close() {
        if (lockChannel == null) {
            deleteTree(storage);
            return;
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }

    /**
     * What the cached state depends on: each jar of {@code system/} and its later folders (name,
     * size, modification time, file identity), Felix's jar, and the framework's own settings ({@code
     * org.osgi.framework.*} and {@code felix.*} but FileInstall's, which its bundle reads at each
     * start). The settings that bundles read from the framework at each start (a port, the console
     * socket) are not in it.
     */
    static String key(Path home, Map<String, String> config) throws IOException {
        StringBuilder key = new StringBuilder("gunyah framework cache 1\n");
        key.append(describe(home.resolve("bin").resolve("felix.jar"))).append('\n');
        List<Path> folders = new ArrayList<>(List.of(home.resolve("system")));
        Launcher.LATER.forEach(later -> folders.add(home.resolve("system").resolve(later)));
        for (Path folder : folders) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> system = Files.list(folder)) {
                for (Path jar : system.filter(p -> p.getFileName().toString().endsWith(".jar"))
                        .sorted()
                        .toList()) {
                    key.append(folder.getFileName())
                            .append('/')
                            .append(describe(jar))
                            .append('\n');
                }
            }
        }
        Map<String, String> settings = new TreeMap<>();
        config.forEach((name, value) -> {
            if ((name.startsWith("org.osgi.framework.") || name.startsWith("felix."))
                    && !name.startsWith("felix.fileinstall.")
                    && !name.equals("org.osgi.framework.storage")
                    && !name.equals(CLEAN)
                    && !name.equals(BEGINNING_START_LEVEL)) {
                settings.put(name, value);
            }
        });
        settings.forEach(
                (name, value) -> key.append(name).append('=').append(value).append('\n'));
        return key.toString();
    }

    private static String describe(Path file) throws IOException {
        if (!Files.exists(file)) {
            return file.getFileName() + " missing";
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        return file.getFileName() + " " + a.size() + " " + a.lastModifiedTime().toInstant() + " " + a.fileKey();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Each bundle's data area ({@code bundle<id>/data}), which held the last run's state. */
    private static void deleteDataAreas(Path storage) throws IOException {
        try (Stream<Path> bundles = Files.list(storage)) {
            for (Path bundle : bundles.toList()) {
                if (bundle.getFileName().toString().startsWith("bundle")) {
                    deleteTree(bundle.resolve("data"));
                }
            }
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            // what is left is emptied at the next fresh start
        }
    }
}
