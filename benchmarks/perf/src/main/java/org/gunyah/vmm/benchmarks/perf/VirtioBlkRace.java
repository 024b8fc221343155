package org.gunyah.vmm.benchmarks.perf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code virtio}: sequential read and write of 64 MiB on a virtio-blk disk by dd in a Linux guest,
 * our emulated backend with the virtio-blk device bundle ({@code bin/gunyah linux --devices
 * "virtio-blk file=..."}) against {@code qemu-system-aarch64 -M virt} with its own {@code
 * virtio-blk-device} (TCG), the same kernel, initramfs, disk file and memory; alternating
 * processes, medians. The guest's /init times its two dd runs with /proc/uptime (10 ms steps) and
 * prints {@code gunyah-blk-bench t0=.. t1=.. t2=..}: read from t0 to t1, write (with fsync) from
 * t1 to t2. Each run starts from a fresh 64 MiB disk of random bytes.
 *
 * <pre>VirtioBlkRace &lt;gunyah runtime&gt; &lt;Image&gt; &lt;initramfs&gt; &lt;disk file&gt; &lt;runs&gt;</pre>
 */
public final class VirtioBlkRace {
    private static final long TIMEOUT_S = 600;
    private static final int MIB = 64;
    private static final String APPEND = "console=ttyAMA0 panic=-1";
    private static final Pattern TIMES = Pattern.compile("gunyah-blk-bench t0=([0-9.]+) t1=([0-9.]+) t2=([0-9.]+)");

    private VirtioBlkRace() {}

    record Rates(double readMbs, double writeMbs) {}

    public static void main(String[] args) throws Exception {
        Path runtime = Path.of(args[0]);
        String kernel = args[1];
        String initrd = args[2];
        Path disk = Path.of(args[3]);
        int runs = Integer.parseInt(args[4]);
        List<String> ours = List.of(
                runtime.resolve("bin/gunyah").toString(),
                "linux",
                "--kernel",
                kernel,
                "--initrd",
                initrd,
                "--append",
                APPEND,
                "--memory",
                "256M",
                "--devices",
                "virtio-blk file=" + disk.toAbsolutePath());
        List<String> qemu = List.of(
                "qemu-system-aarch64",
                "-M",
                "virt,gic-version=3",
                "-cpu",
                "cortex-a57",
                "-m",
                "256",
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
                APPEND,
                "-drive",
                "file=" + disk.toAbsolutePath() + ",format=raw,if=none,id=d0",
                "-device",
                "virtio-blk-device,drive=d0");
        List<Double> ourRead = new ArrayList<>();
        List<Double> ourWrite = new ArrayList<>();
        List<Double> qemuRead = new ArrayList<>();
        List<Double> qemuWrite = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            Rates o = run(ours, disk);
            ourRead.add(o.readMbs());
            ourWrite.add(o.writeMbs());
            Rates q = run(qemu, disk);
            qemuRead.add(q.readMbs());
            qemuWrite.add(q.writeMbs());
        }
        double r = BootRace.median(ourRead);
        double w = BootRace.median(ourWrite);
        double qr = BootRace.median(qemuRead);
        double qw = BootRace.median(qemuWrite);
        System.out.printf(
                "virtio.blk: read_mbs=%.1f qemu_read_mbs=%.1f read_ratio=%.2f write_mbs=%.1f qemu_write_mbs=%.1f"
                        + " write_ratio=%.2f%n",
                r, qr, r / qr, w, qw, w / qw);
    }

    private static Rates run(List<String> command, Path disk) throws IOException, InterruptedException {
        byte[] random = new byte[MIB << 20];
        new java.util.Random(42).nextBytes(random);
        Files.write(disk, random, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                Matcher m = TIMES.matcher(line);
                if (m.find()) {
                    double t0 = Double.parseDouble(m.group(1));
                    double t1 = Double.parseDouble(m.group(2));
                    double t2 = Double.parseDouble(m.group(3));
                    // /proc/uptime counts in 10 ms: a phase never reads as shorter than one step
                    return new Rates(MIB / Math.max(0.01, t1 - t0), MIB / Math.max(0.01, t2 - t1));
                }
            }
            throw new IllegalStateException(command.getFirst() + " ended before its guest printed its times");
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }
}
