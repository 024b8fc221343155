package org.gunyah.vmm.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an unpacked runtime's bin/gunyah as a user would, to its end (bounded), for the runtime's ITs. */
final class BinGunyah {
    static final long TIMEOUT_S = 120;

    private BinGunyah() {}

    /** What a run printed (stdout and stderr together) and how it ended. */
    record Run(int status, String output) {
        List<String> lines() {
            return output.lines().toList();
        }
    }

    /**
     * bin/gunyah of {@code home} with {@code args}, in that folder, with {@code env} added to the
     * environment and {@code input} on its standard input (then closed).
     */
    static Run run(Path home, Map<String, String> env, String input, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(home.resolve("bin/gunyah").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process p = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(
                    "bin/gunyah " + String.join(" ", args) + " did not end within " + TIMEOUT_S + " s");
        }
        return new Run(p.exitValue(), output.get(10, TimeUnit.SECONDS));
    }
}
