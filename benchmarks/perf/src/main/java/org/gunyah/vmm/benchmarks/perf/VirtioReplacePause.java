package org.gunyah.vmm.benchmarks.perf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code virtio}'s second measure: the pause a device bundle's replacement causes under I/O. The
 * runtime runs as a service ({@code bin/gunyah start}); a Linux VM made with {@code gunyah:vm-create
 * --devices "virtio-blk file=..."} loops over dd reads (page cache dropped first) and fsync'd dd
 * writes of 1 MiB; meanwhile the virtio-blk bundle is updated ({@code update <bundle>} in the console,
 * which is {@code Bundle.update()}: the old revision stops, the new one starts) {@code count} times,
 * each once the previous one is done and the guest has done a loop after it. The pause is what the
 * VMM measured for each replacement (the device's window held, from the old model leaving to the
 * new device taking over, as {@code gunyah:vm-devices} shows it); every dd must succeed.
 *
 * <pre>VirtioReplacePause &lt;gunyah runtime&gt; &lt;Image&gt; &lt;initramfs&gt; &lt;disk file&gt; &lt;count&gt;</pre>
 */
public final class VirtioReplacePause {
    private static final long WAIT_S = 300;
    private static final String BUNDLE = "org.gunyah.vmm.device.virtio.blk";
    private static final Pattern LOOP = Pattern.compile("gunyah-loop (\\d+)");
    private static final Pattern REPLACED =
            Pattern.compile("replaced (\\d+) times?, pause last ([0-9.]+) ms, longest ([0-9.]+) ms, mean ([0-9.]+) ms");

    private VirtioReplacePause() {}

    public static void main(String[] args) throws Exception {
        Path runtime = Path.of(args[0]);
        // absolute: the console resolves relative paths against the runtime's folder
        Path kernel = Path.of(args[1]).toAbsolutePath();
        Path initrd = Path.of(args[2]).toAbsolutePath();
        Path disk = Path.of(args[3]);
        int count = Integer.parseInt(args[4]);
        byte[] random = new byte[64 << 20];
        new java.util.Random(42).nextBytes(random);
        Files.write(disk, random);
        Path gunyah = runtime.resolve("bin/gunyah");
        run(List.of(gunyah.toString(), "start"));
        try {
            client(
                    gunyah,
                    String.format(
                            "gunyah:vm-create blk --hypervisor emulated --kernel %s --initrd %s --memory 256M"
                                    + " --bootargs \"console=ttyAMA0 panic=-1 gunyah.bench=replace\" --devices"
                                    + " \"virtio-blk file=%s\"",
                            kernel, initrd, disk.toAbsolutePath()));
            client(gunyah, "gunyah:fn-add blk vcpu id=0");
            client(gunyah, "gunyah:vm-start blk");
            int loops = awaitLoopAfter(gunyah, 0);
            List<Double> pauses = new ArrayList<>();
            Matcher m = null;
            for (int i = 1; i <= count; i++) {
                client(gunyah, "update " + BUNDLE);
                m = awaitReplacements(gunyah, i);
                pauses.add(Double.parseDouble(m.group(2)));
                loops = awaitLoopAfter(gunyah, loops);
            }
            String console = client(gunyah, "gunyah:vm-console blk");
            long errors =
                    console.lines().filter(l -> l.contains("gunyah-io-error")).count();
            System.out.printf(
                    "virtio.replace: replacements=%d pause_median_ms=%.1f pause_max_ms=%s pause_mean_ms=%s"
                            + " io_errors=%d guest_loops=%d%n",
                    count, BootRace.median(pauses), m.group(3), m.group(4), errors, loops);
            if (errors > 0) {
                System.err.println(console);
                System.exit(1);
            }
        } finally {
            run(List.of(gunyah.toString(), "stop"));
        }
    }

    /** The guest's loop count once it is past {@code after}: it keeps doing I/O. */
    private static int awaitLoopAfter(Path gunyah, int after) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            int last = -1;
            for (Matcher m = LOOP.matcher(client(gunyah, "gunyah:vm-console blk")); m.find(); ) {
                last = Integer.parseInt(m.group(1));
            }
            if (last > after) {
                return last;
            }
            Thread.sleep(500); // a benchmark's poll of another process, never a test's wait
        }
        throw new IllegalStateException("the guest did no dd loop after loop " + after + " within " + WAIT_S + " s");
    }

    private static Matcher awaitReplacements(Path gunyah, int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (System.nanoTime() < deadline) {
            Matcher m = REPLACED.matcher(client(gunyah, "gunyah:vm-devices blk"));
            if (m.find() && Integer.parseInt(m.group(1)) >= count) {
                return m;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("replacement " + count + " did not finish within " + WAIT_S + " s");
    }

    private static String client(Path gunyah, String command) throws IOException, InterruptedException {
        return run(List.of(gunyah.toString(), "client", "-c", command));
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(WAIT_S, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }
}
