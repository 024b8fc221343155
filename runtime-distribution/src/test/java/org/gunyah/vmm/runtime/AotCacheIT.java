package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/gunyah's AOT cache in {@code cache/aot/}: recorded by a start without one, assembled once
 * that start's JVM has ended, mapped by the starts after it; a changed bundle in {@code system/}
 * gives a new one; a damaged one is ignored; nothing about it reaches the terminal.
 */
class AotCacheIT {
    private static final long TIMEOUT_S = 120;
    private Path home;

    @BeforeEach
    void unpack() throws IOException {
        home = RuntimeIT.unpack(); // each test fills and changes cache/
    }

    /** What one run of the console with {@code input} printed, and the JVM's command line. */
    record Run(String output, String commandLine, boolean mappedTheCache) {}

    /**
     * The console, {@code input} on its input, which stays open until the runtime has answered
     * {@code gunyah:vms}; the JVM's command line and mappings are read while it runs.
     */
    private Run console(String input) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.apache.felix.http.enable=false");
        Process p = builder.start(); // bin/gunyah ends in exec: its process is the JVM's
        StringBuffer output = new StringBuffer();
        CompletableFuture<Void> answered = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                    if (line.contains("no VMs")) {
                        answered.complete(null);
                    }
                }
            } catch (IOException e) {
                answered.completeExceptionally(e);
            }
            answered.completeExceptionally(new AssertionError("the console ended before it answered"));
        });
        var stdin = p.getOutputStream();
        stdin.write((input + "gunyah:vms\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        String commandLine;
        boolean mapped;
        try {
            answered.get(TIMEOUT_S, TimeUnit.SECONDS);
            commandLine = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
            mapped = Files.readString(Path.of("/proc/" + p.pid() + "/maps"), StandardCharsets.UTF_8)
                    .contains(home.resolve("cache/aot").toString());
        } finally {
            stdin.close();
        }
        assertTrue(p.waitFor(TIMEOUT_S, TimeUnit.SECONDS), "the runtime did not stop:\n" + output);
        reader.join();
        assertEquals(0, p.exitValue(), output.toString());
        return new Run(output.toString(), commandLine, mapped);
    }

    private Optional<Path> cacheFile() throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("cache/aot"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".aot"))
                    .findFirst();
        }
    }

    /** Until a cache file other than {@code old} is in cache/aot (the assembler is a process of its own). */
    private Path awaitCacheFile(Optional<Path> old) throws Exception {
        Path folder = home.resolve("cache/aot");
        try (WatchService watch = FileSystems.getDefault().newWatchService()) {
            folder.register(watch, StandardWatchEventKinds.ENTRY_CREATE);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
            while (true) {
                Optional<Path> now = cacheFile();
                if (now.isPresent() && !now.equals(old)) {
                    return now.get();
                }
                long left = deadline - System.nanoTime();
                WatchKey key = watch.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (key == null) {
                    throw new AssertionError("no AOT cache within " + TIMEOUT_S + " s; the assembler's log:\n"
                            + Files.readString(folder.resolve("assemble.log")));
                }
                key.pollEvents();
                key.reset();
            }
        }
    }

    private static List<String> lines(String output) {
        return output.lines().toList();
    }

    @Test
    void theFirstStartRecordsAndTheNextMapsTheCacheItLeft() throws Exception {
        Run first = console("");
        Path cache = awaitCacheFile(Optional.empty());

        Run next = console("");

        assertTrue(first.commandLine().contains("-XX:AOTMode=record"), first.commandLine());
        assertFalse(first.mappedTheCache());
        assertTrue(next.commandLine().contains("-XX:AOTCache=" + cache), next.commandLine());
        assertTrue(next.mappedTheCache(), "the JVM mapped " + cache);
    }

    @Test
    void neitherTheRecordingStartNorTheOneWithTheCachePrintsAnythingAboutIt() throws Exception {
        Run recording = console("");
        awaitCacheFile(Optional.empty());
        Run cached = console("");

        assertSaysNothingAboutTheCache(recording);
        assertSaysNothingAboutTheCache(cached);
    }

    /** The console's answer, and no line of the JVM's (its log lines start with the time in brackets). */
    private static void assertSaysNothingAboutTheCache(Run run) {
        assertTrue(run.output().contains("no VMs"), run.output());
        for (String line : lines(run.output())) {
            assertFalse(
                    line.contains("AOT") || line.startsWith("[") || line.contains("JAVA_TOOL_OPTIONS"), run.output());
        }
    }

    @Test
    void aBundleChangedInSystemGivesANewCacheInPlaceOfTheOld() throws Exception {
        console("");
        Path old = awaitCacheFile(Optional.empty());
        Path jar;
        try (Stream<Path> jars = Files.list(home.resolve("system"))) {
            jar = jars.filter(p -> p.getFileName().toString().contains("virtio.rng"))
                    .findFirst()
                    .orElseThrow();
        }
        Files.write(jar, Files.readAllBytes(jar)); // the same bytes, written again: another time

        Run changed = console("");
        Path renewed = awaitCacheFile(Optional.of(old));

        assertTrue(changed.commandLine().contains("-XX:AOTMode=record"), changed.commandLine());
        assertNotEquals(old, renewed);
        assertFalse(Files.exists(old), "the stale cache is removed");
    }

    @Test
    void aDamagedCacheIsIgnoredSilently() throws Exception {
        console("");
        Path cache = awaitCacheFile(Optional.empty());
        Files.write(cache, new byte[] {'n', 'o', 't', ' ', 'a', 'n', ' ', 'A', 'O', 'T', ' ', 'c', 'a', 'c', 'h', 'e'});

        Run damaged = console("");

        assertTrue(damaged.commandLine().contains("-XX:AOTCache=" + cache), damaged.commandLine());
        assertFalse(damaged.mappedTheCache());
        assertSaysNothingAboutTheCache(damaged);
    }
}
