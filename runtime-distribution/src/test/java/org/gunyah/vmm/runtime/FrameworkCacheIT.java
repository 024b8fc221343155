package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The framework cache ({@code cache/felix}) kept between starts of the unpacked runtime: reused
 * while {@code system/} is unchanged, and a bundle added to, changed in or removed from
 * {@code system/} seen at the next start; {@code functions/} and {@code deploy/} as they were with
 * a fresh cache at every start.
 */
class FrameworkCacheIT {
    private static final long TIMEOUT_S = 120;
    private Path home;

    @BeforeEach
    void unpack() throws IOException {
        home = RuntimeIT.unpack(); // each test changes the runtime's folders
    }

    /** The console with {@code input}, to the end of its input; returns what it printed. */
    private String console(String input) throws Exception {
        BinGunyah.Run run =
                BinGunyah.run(home, Map.of("GUNYAH_JAVA_OPTS", "-Dorg.apache.felix.http.enable=false"), input);
        assertEquals(0, run.status(), run.output());
        return run.output();
    }

    /** {@code lb}'s lines, and how this start got its framework cache, in one start. */
    private String start() throws Exception {
        return console("context:getproperty gunyah.framework.cache\nlb\n");
    }

    private Path function(String name) throws IOException {
        try (Stream<Path> jars = Files.list(home.resolve("functions"))) {
            return jars.filter(p -> p.getFileName().toString().contains(name))
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static boolean lists(String lb, String state, String name) {
        return lb.lines().anyMatch(l -> l.matches(" *\\d+\\|" + state + " *\\|.*\\|" + Pattern.quote(name) + " .*"));
    }

    /**
     * The names of the active bundles of start level 1 in {@code lb}'s lines, without their ids
     * (the Web Console's, level 2, start after the console's first command, beside {@code lb}).
     */
    private static java.util.List<String> activeBundles(String lb) {
        return lb.lines()
                .filter(l -> l.matches(" *\\d+\\|Active +\\| +1\\|.*"))
                .map(l -> l.substring(l.indexOf('|')))
                .toList();
    }

    private static boolean lists(String lb, String name) {
        return lb.lines().anyMatch(l -> l.contains("|" + name + " "));
    }

    @Test
    void aSecondStartReusesTheCacheOfTheFirstWithTheSameBundles() throws Exception {
        String first = start();
        String second = start();

        assertTrue(first.contains("g! fresh"), first);
        assertTrue(second.contains("g! reused"), second);
        assertEquals(activeBundles(first), activeBundles(second));
        assertTrue(lists(second, "Active", "Gunyah device: virtio-rng,"), second);
    }

    @Test
    void aBundleAddedToSystemIsStartedAtTheNextStart() throws Exception {
        start();
        Files.move(function("irqfd"), home.resolve("system/irqfd.jar"));

        String next = start();

        assertTrue(next.contains("g! fresh"), next);
        assertTrue(lists(next, "Active", "Gunyah VM function: irqfd"), next);
    }

    @Test
    void aBundleChangedInSystemIsTheNewOneAtTheNextStart() throws Exception {
        Files.move(function("irqfd"), home.resolve("system/function.jar"));
        assertTrue(lists(start(), "Active", "Gunyah VM function: irqfd"));
        Files.move(function("vcpu"), home.resolve("system/function.jar"), StandardCopyOption.REPLACE_EXISTING);

        String next = start();

        assertTrue(lists(next, "Active", "Gunyah VM function: vcpu"), next);
        assertFalse(lists(next, "Gunyah VM function: irqfd"), next);
    }

    @Test
    void aBundleRemovedFromSystemIsGoneAtTheNextStart() throws Exception {
        assertTrue(lists(start(), "Active", "Gunyah device: virtio-rng,"));
        try (Stream<Path> jars = Files.list(home.resolve("system"))) {
            Files.delete(jars.filter(p -> p.getFileName().toString().contains("virtio.rng"))
                    .findFirst()
                    .orElseThrow());
        }

        String next = start();

        assertFalse(lists(next, "Gunyah device: virtio-rng,"), next);
    }

    @Test
    void aFunctionStartedOnItsFirstUseIsInstalledUnstartedAtTheNextStart() throws Exception {
        String demo = console("gunyah:demo --hypervisor emulated\nlb\n");
        assertTrue(lists(demo, "Active", "Gunyah VM function: vcpu"), demo);

        String next = start();

        assertTrue(next.contains("g! reused"), next);
        assertTrue(lists(next, "Installed", "Gunyah VM function: vcpu"), next);
    }

    @Test
    void aJarDeletedFromDeployWhileTheRuntimeWasDownIsNotThereAtTheNextStart() throws Exception {
        Files.move(function("irqfd"), home.resolve("deploy/irqfd.jar"));
        String first = console("gunyah:functions\nlb\n");
        assertTrue(lists(first, "Active", "Gunyah VM function: irqfd"), first);
        Files.delete(home.resolve("deploy/irqfd.jar"));

        String next = start();

        assertTrue(next.contains("g! reused"), next);
        assertFalse(lists(next, "Gunyah VM function: irqfd"), next);
    }

    @Test
    void aStartBesideARunningConsoleGetsATemporaryCacheAndLeavesTheFolderAlone() throws Exception {
        start();
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.apache.felix.http.enable=false");
        Process running = builder.start(); // its input stays open: it runs until we close it
        try {
            awaitPrompt(running); // printed once it holds the folder's cache
            String beside = start();
            assertTrue(beside.contains("g! temporary"), beside);
        } finally {
            running.getOutputStream().close();
            assertTrue(running.waitFor(TIMEOUT_S, TimeUnit.SECONDS));
        }
        String after = start();
        assertTrue(after.contains("g! reused"), after);
    }

    /** Until the console's first prompt (the launcher prints it before it starts the framework). */
    private static void awaitPrompt(Process console) throws Exception {
        CompletableFuture<Void> prompt = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (InputStream in = console.getInputStream()) {
                byte[] seen = new byte[3];
                for (int b = in.read(); b >= 0; b = in.read()) {
                    System.arraycopy(seen, 1, seen, 0, 2);
                    seen[2] = (byte) b;
                    if (new String(seen, StandardCharsets.US_ASCII).equals("g! ")) {
                        prompt.complete(null);
                    }
                }
            } catch (IOException e) {
                prompt.completeExceptionally(e);
            }
            prompt.completeExceptionally(new AssertionError("the console ended before its prompt"));
        });
        prompt.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
}
