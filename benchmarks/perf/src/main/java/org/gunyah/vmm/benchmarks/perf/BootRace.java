package org.gunyah.vmm.benchmarks.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code boot}: whole-process start to ready, ours against Apache Karaf minimal, alternating
 * processes. Ready is the console answering a command: ours {@code gunyah:vms} (which needs the VM
 * manager registered and the shell's commands), Karaf's {@code shell:echo}. Each process is
 * started with the command already on its standard input and timed until the answer's line
 * appears; then it is stopped: ours by the end of its input, as a user's console ends (so that what
 * it keeps for the next start, its framework and AOT caches, is written as it would be), Karaf
 * destroyed with its JVM. Each keeps its folder from one run to the next, as an installed runtime
 * does: a first, untimed run of each fills its caches, and the timed runs begin once ours has
 * assembled its AOT cache (after its first JVM has ended, at a low priority: on a loaded machine
 * that took longer than the next few runs, which then ran, and recorded, without it).
 *
 * <pre>BootRace &lt;gunyah runtime&gt; &lt;karaf home&gt; &lt;karaf JAVA_HOME&gt; &lt;runs&gt;</pre>
 */
public final class BootRace {
    private static final long TIMEOUT_S = 120;

    private BootRace() {}

    public static void main(String[] args) throws Exception {
        Path runtime = Path.of(args[0]);
        Path karaf = Path.of(args[1]);
        String karafJava = args[2];
        int runs = Integer.parseInt(args[3]);
        Callable<Double> ourStart = () -> time(
                List.of(runtime.resolve("bin/gunyah").toString()),
                Map.of("GUNYAH_JAVA_OPTS", "-Dorg.apache.felix.http.enable=false"),
                "gunyah:vms\n",
                "no VMs",
                true);
        Callable<Double> karafStart = () -> time(
                List.of(karaf.resolve("bin/karaf").toString()),
                Map.of("JAVA_HOME", karafJava),
                "shell:echo karaf-ready\n",
                "karaf-ready",
                false);
        ourStart.call();
        karafStart.call();
        awaitAotCache(runtime.resolve("cache/aot"));
        List<Double> ours = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ours.add(ourStart.call());
            theirs.add(karafStart.call());
        }
        double o = median(ours);
        double t = median(theirs);
        System.out.printf("boot: ours_s=%.3f karaf_s=%.3f runs=%d ratio=%.2f%n", o, t, runs, o / t);
    }

    /**
     * Seconds from the start of {@code command} until a line of its output contains {@code ready};
     * then the end of its input, and, if {@code endsWithItsInput}, its own end (bounded).
     */
    static double time(
            List<String> command, Map<String, String> env, String input, String ready, boolean endsWithItsInput)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream();
                BufferedReader out =
                        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
            in.flush();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.contains(ready) && !line.contains(input.strip())) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (endsWithItsInput) {
                        in.close();
                        out.transferTo(java.io.Writer.nullWriter());
                        p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
                    }
                    return seconds;
                }
            }
            throw new IllegalStateException(command + " ended without answering " + input.strip());
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /**
     * Until {@code folder} holds an AOT cache and no record or assembly in progress (bin/gunyah's
     * {@code *.aotconf}, {@code *.part}, {@code *.fifo}), bounded.
     */
    static void awaitAotCache(Path folder) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (System.nanoTime() < deadline) {
            boolean cache = false;
            boolean busy = false;
            try (var files = java.nio.file.Files.list(folder)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    cache |= name.endsWith(".aot");
                    busy |= name.endsWith(".aotconf") || name.endsWith(".part") || name.endsWith(".fifo");
                }
            } catch (java.nio.file.NoSuchFileException e) {
                return; // no AOT cache for this runtime (GUNYAH_AOT=off)
            }
            if (cache && !busy) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(folder + " has no AOT cache " + TIMEOUT_S + " s after the first start");
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
