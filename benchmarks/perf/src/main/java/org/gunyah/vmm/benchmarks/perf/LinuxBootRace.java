package org.gunyah.vmm.benchmarks.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code linux}: Debian's arm64 kernel with a busybox initramfs, from process start to the first
 * line its /init prints, on our emulated backend ({@code bin/gunyah linux}) against {@code
 * qemu-system-aarch64 -M virt,gic-version=3 -cpu cortex-a57} (TCG), the same kernel, initramfs,
 * vCPUs and memory, alternating processes; medians. While ours runs, its resident memory beyond
 * the guest's RAM is sampled: the process's RSS less the resident part of the mapping that holds
 * the guest's RAM (in /proc/pid/smaps, the mapping the size of the RAM, give or take the allocator's
 * few pages). A first, untimed boot of ours fills its caches (the AOT cache is assembled after
 * it), as an installed runtime has them.
 *
 * <pre>LinuxBootRace &lt;gunyah runtime&gt; &lt;Image&gt; &lt;initramfs&gt; &lt;vcpus&gt; &lt;memory MiB&gt; &lt;runs&gt; &lt;marker&gt;</pre>
 */
public final class LinuxBootRace {
    private static final long TIMEOUT_S = 300;
    private static final String APPEND = "console=ttyAMA0 panic=-1";

    private LinuxBootRace() {}

    public static void main(String[] args) throws Exception {
        Path runtime = Path.of(args[0]);
        String kernel = args[1];
        String initrd = args[2];
        int vcpus = Integer.parseInt(args[3]);
        int memoryMib = Integer.parseInt(args[4]);
        int runs = Integer.parseInt(args[5]);
        String marker = args[6];
        List<String> ourCommand = List.of(
                runtime.resolve("bin/gunyah").toString(),
                "linux",
                "--kernel",
                kernel,
                "--initrd",
                initrd,
                "--append",
                APPEND,
                "--vcpus",
                Integer.toString(vcpus),
                "--memory",
                memoryMib + "M");
        List<String> qemuCommand = List.of(
                "qemu-system-aarch64",
                "-M",
                "virt,gic-version=3",
                "-cpu",
                "cortex-a57",
                "-smp",
                Integer.toString(vcpus),
                "-m",
                Integer.toString(memoryMib),
                "-nographic",
                "-nodefaults",
                "-serial",
                "stdio",
                "-no-reboot",
                "-kernel",
                kernel,
                "-initrd",
                initrd,
                "-append",
                APPEND);
        // An installed runtime boots with its caches: a first, untimed boot to the guest's poweroff
        // (the timed ones are stopped at the marker, so their JVM records nothing) leaves the AOT
        // cache to be assembled, and the timed boots begin once it is.
        untimed(ourCommand);
        BootRace.awaitAotCache(runtime.resolve("cache/aot"));
        List<Double> ours = new ArrayList<>();
        List<Double> qemu = new ArrayList<>();
        long extraKib = 0;
        for (int i = 0; i < runs; i++) {
            Run o = time(ourCommand, marker, memoryMib * 1024L * 1024L);
            ours.add(o.seconds());
            extraKib = Math.max(extraKib, o.extraKib());
            qemu.add(time(qemuCommand, marker, 0).seconds());
        }
        double ourMedian = BootRace.median(ours);
        double qemuMedian = BootRace.median(qemu);
        System.out.printf(
                "linux.boot: ours_s=%.2f qemu_s=%.2f vcpus=%d ratio=%.2f rss_extra_mib=%d%n",
                ourMedian, qemuMedian, vcpus, ourMedian / qemuMedian, extraKib / 1024);
    }

    /** Runs {@code command} to its end (the guest powers off), its output dropped. */
    private static void untimed(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException(command.getFirst() + " did not end within " + TIMEOUT_S + " s");
        }
    }

    /** Seconds to the marker, and the most resident memory seen beyond the guest's RAM (KiB). */
    record Run(double seconds, long extraKib) {}

    private static Run time(List<String> command, String marker, long guestRam)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        long start = System.nanoTime();
        Process p = pb.start();
        long extra = 0;
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (guestRam > 0) {
                    extra = Math.max(extra, residentBeyond(p.pid(), guestRam));
                }
                if (line.contains(marker)) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (guestRam > 0) {
                        extra = Math.max(extra, residentBeyond(p.pid(), guestRam));
                    }
                    return new Run(seconds, extra);
                }
            }
            throw new IllegalStateException(command.getFirst() + " ended before its guest printed " + marker);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    /** KiB resident in {@code pid} (its JVM: the launcher script execs it) outside the guest's RAM mapping. */
    static long residentBeyond(long pid, long guestRam) {
        long java = ProcessHandle.of(pid)
                .flatMap(h -> h.descendants()
                        .filter(d -> d.info().command().orElse("").endsWith("java"))
                        .findFirst())
                .map(ProcessHandle::pid)
                .orElse(pid);
        try {
            List<String> smaps = Files.readAllLines(Path.of("/proc/" + java + "/smaps"));
            long total = 0;
            long guest = 0;
            long size = 0;
            for (String line : smaps) {
                if (line.startsWith("Size:")) {
                    size = kib(line);
                } else if (line.startsWith("Rss:")) {
                    long rss = kib(line);
                    total += rss;
                    if (size * 1024 >= guestRam && size * 1024 <= guestRam + (4 << 20)) {
                        guest = Math.max(guest, rss);
                    }
                }
            }
            return total - guest;
        } catch (IOException | RuntimeException e) {
            return 0; // the process has gone: nothing more to see
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
