package org.gunyah.vmm.benchmarks.perf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface;

/**
 * {@code emulated.corpus}: the conformance module's C corpus (every program at every level, built
 * by run.sh as the conformance tests build it) run on one emulated vCPU as a freestanding guest
 * and under qemu-aarch64 as the same static Linux program, alternating program by program; the
 * wall time of the whole corpus on each, the median of {@code rounds} after one round of warm-up
 * (the JIT's and the page cache's),
 * and their ratio (vCPU / qemu: above 1 is slower than QEMU). A qemu run is a process, its start
 * included, as a user runs a program; a vCPU run is a fresh vCPU and RAM in this JVM, as the
 * platform starts a VM. Both outputs must be equal, or the measure is refused.
 *
 * <p>Arguments: the directory of {@code <name>.guest.bin} and {@code <name>.linux} pairs, the
 * number of rounds.
 */
public final class EmulatedCorpus {
    static final long RAM = 0x4000_0000L;
    static final long RAM_SIZE = 1 << 20;
    static final long CONSOLE = 0x0900_0000L;
    static final long GUEST_EXIT = 0xc600_0001L;

    record Program(String name, byte[] image, Path linux) {}

    private EmulatedCorpus() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<Program> programs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path bin : files.filter(p -> p.toString().endsWith(".guest.bin"))
                    .sorted()
                    .toList()) {
                String name = bin.getFileName().toString().replace(".guest.bin", "");
                programs.add(new Program(name, Files.readAllBytes(bin), dir.resolve(name + ".linux")));
            }
        }
        if (programs.isEmpty()) {
            throw new IllegalArgumentException("no corpus in " + dir);
        }
        long instructions = 0;
        for (Program p : programs) { // warm-up, and the outputs compared once
            String ours = runVcpu(p.image(), null);
            String theirs = runQemu(p.linux());
            if (!ours.equals(theirs)) {
                throw new IllegalStateException(p.name() + ": the vCPU prints something else than qemu-aarch64");
            }
        }
        long[] vcpu = new long[rounds];
        long[] qemu = new long[rounds];
        long[] count = new long[1];
        for (int r = 0; r < rounds; r++) {
            count[0] = 0;
            for (Program p : programs) { // alternating, program by program: a busy machine weighs on both alike
                long start = System.nanoTime();
                runVcpu(p.image(), count);
                long middle = System.nanoTime();
                runQemu(p.linux());
                vcpu[r] += middle - start;
                qemu[r] += System.nanoTime() - middle;
            }
            instructions = count[0];
        }
        double v = median(vcpu) / 1e6;
        double q = median(qemu) / 1e6;
        System.out.printf(
                "emulated.corpus: vcpu=%.1f qemu=%.1f unit=ms ratio=%.2f programs=%d instructions=%d%n",
                v, q, v / q, programs.size(), instructions);
    }

    private static double median(long[] values) {
        long[] s = values.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    /** Runs a guest image to its exit hypercall; its console output. */
    static String runVcpu(byte[] image, long[] count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
            MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
            A64Cpu cpu =
                    new A64Cpu(0, new GuestMemory(List.of(new GuestMemory.Region(RAM, ram))), InterruptInterface.NONE);
            cpu.setPc(RAM);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            while (true) {
                Exit exit = cpu.run(1 << 22);
                if (exit instanceof Exit.MmioWrite w && w.address() == CONSOLE) {
                    console.write((int) w.value());
                } else if (exit instanceof Exit.Hypercall && cpu.x(0) == GUEST_EXIT) {
                    if (count != null) {
                        count[0] += cpu.instructions();
                    }
                    return console.toString();
                } else if (!(exit instanceof Exit.Budget)) {
                    throw new IllegalStateException("the guest stopped: " + exit);
                }
            }
        }
    }

    static String runQemu(Path linux) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("qemu-aarch64", linux.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(linux + " still runs after 60 s");
        }
        return out;
    }
}
