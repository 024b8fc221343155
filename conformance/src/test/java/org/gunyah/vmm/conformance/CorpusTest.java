package org.gunyah.vmm.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof 1: C programs compiled by gcc for AArch64 print the same lines and exit with the same
 * status on the emulated vCPU (a freestanding guest) as under qemu-aarch64 (a static Linux
 * program). Each program of {@code src/test/c/corpus} is built at -O0, -O2 and -O3 from one object
 * file linked twice: with {@code runtime/guest.S} (image at 0x40000000, console register, exit
 * hypercall) and with {@code runtime/linux.[cS]} (write and exit_group). {@code corpus.list} says
 * which builds run today: a build expected to fail that crashes is reported as skipped with the
 * instruction it stopped on; one that passes fails the test until its entry says {@code pass}.
 */
class CorpusTest {
    static final List<String> LEVELS = List.of("O0", "O2", "O3");

    /** One line of corpus.list at one level. */
    record Build(String program, String level, String kind, boolean expectPass) {
        @Override
        public String toString() {
            return program + " -" + level;
        }
    }

    record Built(Path guestElf, byte[] guestImage, Tools.Result qemu) {}

    private static final Map<Build, Built> BUILT = new ConcurrentHashMap<>();
    private static Path work;

    static List<Build> builds() {
        List<Build> builds = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Tools.sources().resolve("corpus.list"))) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] f = l.split("\\s+");
                if (f.length != 2 + LEVELS.size()) {
                    throw new IllegalArgumentException("corpus.list: expected program kind O0 O2 O3 in: " + line);
                }
                for (int i = 0; i < LEVELS.size(); i++) {
                    String expect = f[2 + i];
                    if (!expect.equals("pass") && !expect.equals("fail")) {
                        throw new IllegalArgumentException("corpus.list: pass or fail, not " + expect);
                    }
                    builds.add(new Build(f[0], LEVELS.get(i), f[1], expect.equals("pass")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return builds;
    }

    /** Compiles the runtime, then every program at every level and its qemu-aarch64 run, two at a time. */
    @BeforeAll
    static void buildAll() {
        Tools.assumeAvailable();
        work = Tools.work("corpus");
        Path rt = Tools.sources().resolve("runtime");
        String[] common = {"-ffreestanding", "-nostdlib", "-static", "-fno-pic", "-fno-stack-protector"};
        compile(
                rt.resolve("rt.c"),
                work.resolve("rt.o"),
                "-O2",
                "-mgeneral-regs-only",
                "-fno-builtin",
                "-fno-tree-loop-distribute-patterns");
        compile(rt.resolve("linux.c"), work.resolve("linux-c.o"), "-O2", "-mgeneral-regs-only");
        compile(rt.resolve("linux.S"), work.resolve("linux-s.o"));
        compile(rt.resolve("guest.S"), work.resolve("guest.o"));
        builds().parallelStream().forEach(b -> {
            String base = b.program() + "." + b.level();
            Path obj = work.resolve(base + ".o");
            List<String> flags = Tools.list(common);
            flags.add("-" + b.level());
            if (b.kind().equals("int")) {
                flags.add("-mgeneral-regs-only");
            }
            compile(Tools.sources().resolve("corpus").resolve(b.program() + ".c"), obj, flags.toArray(String[]::new));
            Path guest = work.resolve(base + ".guest.elf");
            Path image = work.resolve(base + ".guest.bin");
            Path linux = work.resolve(base + ".linux");
            link(
                    guest,
                    "-T",
                    rt.resolve("guest.ld").toString(),
                    work.resolve("guest.o").toString(),
                    work.resolve("rt.o").toString(),
                    obj.toString());
            Tools.build(Tools.OBJCOPY, "-O", "binary", guest.toString(), image.toString());
            link(
                    linux,
                    work.resolve("linux-s.o").toString(),
                    work.resolve("linux-c.o").toString(),
                    work.resolve("rt.o").toString(),
                    obj.toString());
            try {
                BUILT.put(
                        b,
                        new Built(guest, Files.readAllBytes(image), Tools.run(List.of(Tools.QEMU, linux.toString()))));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void compile(Path source, Path object, String... flags) {
        List<String> cmd = Tools.list(Tools.GCC);
        cmd.addAll(List.of("-ffreestanding", "-nostdlib", "-fno-pic", "-fno-stack-protector"));
        cmd.addAll(List.of(flags));
        cmd.addAll(List.of("-c", source.toString(), "-o", object.toString()));
        Tools.build(cmd.toArray(String[]::new));
    }

    private static void link(Path out, String... inputs) {
        List<String> cmd =
                Tools.list(Tools.GCC, "-nostdlib", "-static", "-Wl,--build-id=none", "-Wl,--no-warn-rwx-segments");
        cmd.addAll(List.of(inputs));
        cmd.addAll(List.of("-lgcc", "-o", out.toString()));
        Tools.build(cmd.toArray(String[]::new));
    }

    static Stream<Arguments> corpus() {
        return builds().stream().flatMap(b -> Stream.of(Engine.values()).map(e -> Arguments.of(b, e)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("corpus")
    void printsWhatQemuPrints(Build build, Engine engine) {
        Built built = BUILT.get(build);
        Tools.Result qemu = built.qemu();
        assertEquals(0, qemu.status(), "under qemu-aarch64 the program itself fails: " + qemu.stderr());
        String expected = qemu.out();
        GuestRun.Outcome vcpu = GuestRun.run(built.guestImage(), engine);
        if (!expected.startsWith(vcpu.console())) {
            fail("the vCPU printed something else: " + firstDifference(expected, vcpu.console())
                    + (vcpu.crash() != null ? "\nthen " + describe(vcpu.crash(), built.guestElf()) : ""));
        }
        if (vcpu.crash() != null) {
            String why = describe(vcpu.crash(), built.guestElf()) + " after "
                    + vcpu.console().lines().count() + " of " + expected.lines().count() + " lines, all equal";
            if (build.expectPass()) {
                fail(why);
            }
            Assumptions.abort("expected to fail today: " + why
                    + (build.kind().equals("fp") ? " (FP/SIMD not yet implemented)" : ""));
        }
        assertEquals(expected, vcpu.console(), "the whole output");
        assertEquals(qemu.status(), vcpu.status(), "the exit status");
        if (!build.expectPass()) {
            fail(build + " passes now (" + vcpu.instructions()
                    + " instructions, same output as qemu-aarch64): mark it pass in src/test/c/corpus.list");
        }
    }

    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        for (int i = 0; i < a.length; i++) {
            if (i >= e.length || !e[i].equals(a[i]) && !(i == a.length - 1 && e[i].startsWith(a[i]))) {
                return "line " + (i + 1) + ": qemu-aarch64 \"" + (i < e.length ? e[i] : "") + "\", vCPU \"" + a[i]
                        + "\"";
            }
        }
        return "(none found)";
    }

    /** The crash as objdump shows its instruction: "crashes at pc 0x… (smull x0, w0, w1 in <main+0x40>): reason". */
    static String describe(Exit.Crash crash, Path elf) {
        String where = String.format("0x%08x", crash.instruction());
        Tools.Result dump = Tools.run(List.of(
                Tools.OBJDUMP,
                "-d",
                "--start-address=0x" + Long.toHexString(crash.pc()),
                "--stop-address=0x" + Long.toHexString(crash.pc() + 4),
                elf.toString()));
        String function = "?";
        for (String line : dump.out().split("\n")) {
            String l = line.strip();
            if (l.endsWith(">:")) {
                function = l.substring(l.indexOf('<'), l.length() - 1);
            } else if (l.startsWith(Long.toHexString(crash.pc()) + ":")) {
                String[] f = l.split("\t");
                if (f.length >= 3) {
                    where = String.join(" ", List.of(f).subList(2, f.length)).strip() + " [" + f[1].strip() + "]";
                }
            }
        }
        return String.format("crashes at pc 0x%x on %s in %s: %s", crash.pc(), where, function, crash.reason());
    }
}
