package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.junit.jupiter.api.Test;

/**
 * The instruction set's first proof: every instruction in the executable code of Debian's arm64
 * kernel Image and of its static busybox decodes on our vCPU, but for what we do not advertise
 * (SVE, SME, MTE, MOPS and the other extensions listed in {@link NotAdvertised}). Instruction
 * boundaries and mnemonics come from GNU objdump; the binaries from {@code tools/debian-arm64/fetch.sh},
 * into a cache the tests share. Each corpus also has a file of the mnemonics still missing
 * ({@code coverage-gaps-*.txt}), which may only shrink: a new rejection fails, and so does a gap
 * that no longer occurs, so that the file stays the exact list of what is left to do.
 *
 * <p>The kernel Image has no section table for its code: its PE {@code .text} holds text, read-only
 * data and init text alike. Code is told from data per 64 KiB block (the kernel's segment
 * alignment): a block is code when objdump finds no more than 2% of its words undecodable
 * (measured on 6.1: code blocks 0.0%, data blocks 58-84%).
 */
class DecoderCoverageTest {
    private static final Pattern LINE = Pattern.compile("^\\s*([0-9a-f]+):\\s+([0-9a-f]{8})\\s+(\\S+)(.*)$");
    private static final int BLOCK = 64 * 1024;
    private static final double DATA_BLOCK = 0.02;
    private static final long RAM = 0x4000_0000L;

    /** What one corpus's code holds, by objdump's account, and what we reject of it. */
    record Coverage(long instructions, long distinct, Map<String, Rejected> rejected) {}

    /** One mnemonic we reject: how many distinct encodings, and one of them with its address. */
    record Rejected(int encodings, String example) {}

    @Test
    void theKernelImageDecodesButForWhatWeDoNotAdvertise() throws Exception {
        Path image = DebianArm64.cache().resolve("kernel/Image");
        Coverage c = coverage(objdump(image), true);
        assertTrue(c.instructions() > 2_000_000, "the kernel's code was found: " + c.instructions() + " instructions");
        check("kernel", c);
    }

    @Test
    void busyboxDecodesButForWhatWeDoNotAdvertise() throws Exception {
        Path busybox = DebianArm64.cache().resolve("busybox/busybox");
        Coverage c = coverage(objdump(busybox), false);
        assertTrue(c.instructions() > 200_000, "busybox's code was found: " + c.instructions() + " instructions");
        check("busybox", c);
    }

    private static void check(String corpus, Coverage c) throws IOException {
        Set<String> gaps = gaps(corpus);
        Map<String, Rejected> unexpected = new TreeMap<>();
        Set<String> missing = new TreeSet<>();
        c.rejected().forEach((mnemonic, r) -> {
            if (!NotAdvertised.mnemonic(mnemonic) && !gaps.contains(mnemonic)) {
                unexpected.put(mnemonic, r);
            } else if (!NotAdvertised.mnemonic(mnemonic)) {
                missing.add(mnemonic);
            }
        });
        Set<String> closed = new TreeSet<>(gaps);
        closed.removeAll(missing);
        String report = report(corpus, c, missing);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "coverage-" + corpus + ".txt"), report);
        assertEquals(Map.of(), unexpected, corpus + ": rejected, and not a known gap\n" + report);
        assertEquals(
                Set.of(),
                closed,
                corpus + ": listed as missing but decoded now (or not advertised): remove from coverage-gaps-" + corpus
                        + ".txt");
    }

    private static String report(String corpus, Coverage c, Set<String> missing) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "%s: %d instructions, %d distinct encodings; rejected: %d mnemonics (%d not advertised)%n",
                corpus,
                c.instructions(),
                c.distinct(),
                c.rejected().size(),
                c.rejected().keySet().stream().filter(NotAdvertised::mnemonic).count()));
        c.rejected()
                .forEach((m, r) -> out.append(String.format(
                        "  %-10s %6d encodings%s  e.g. %s%n",
                        m, r.encodings(), NotAdvertised.mnemonic(m) ? " (not advertised)" : "", r.example())));
        return out.toString();
    }

    private static Set<String> gaps(String corpus) throws IOException {
        Set<String> out = new HashSet<>();
        try (InputStream in = DecoderCoverageTest.class.getResourceAsStream("coverage-gaps-" + corpus + ".txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String m = line.replaceAll("#.*", "").trim();
                if (!m.isEmpty()) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** objdump's disassembly of a binary's executable sections, one entry per word. */
    private record Listing(long[] addresses, int[] words, String[] keys) {}

    private static Listing objdump(Path binary) throws IOException, InterruptedException {
        String tool = "aarch64-linux-gnu-objdump";
        assumeTrue(onPath(tool), tool + " is missing: install binutils-aarch64-linux-gnu (.ci/run does)");
        Process p = new ProcessBuilder(tool, "-d", binary.toString())
                .redirectErrorStream(true)
                .start();
        LongList addresses = new LongList();
        IntList words = new IntList();
        List<String> keys = new ArrayList<>();
        Map<String, String> interned = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                int word = (int) Long.parseLong(m.group(2), 16);
                String key = NotAdvertised.key(word, m.group(3), m.group(4).trim());
                addresses.add(Long.parseUnsignedLong(m.group(1), 16));
                words.add(word);
                keys.add(interned.computeIfAbsent(key, k -> k));
            }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0, tool + " failed on " + binary);
        return new Listing(addresses.toArray(), words.toArray(), keys.toArray(String[]::new));
    }

    private static Coverage coverage(Listing listing, boolean byBlock) {
        Set<Long> codeBlocks = byBlock ? codeBlocks(listing) : null;
        Set<Integer> seen = new HashSet<>();
        Map<String, int[]> counts = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        long instructions = 0;
        Probe probe = new Probe();
        for (int i = 0; i < listing.words().length; i++) {
            String key = listing.keys()[i];
            if (!isInstruction(key) || (codeBlocks != null && !codeBlocks.contains(listing.addresses()[i] / BLOCK))) {
                continue;
            }
            instructions++;
            int word = listing.words()[i];
            if (!seen.add(word) || probe.decodes(word)) {
                continue;
            }
            counts.computeIfAbsent(key, k -> new int[1])[0]++;
            examples.putIfAbsent(key, String.format("%08x at 0x%x", word, listing.addresses()[i]));
        }
        Map<String, Rejected> rejected = new TreeMap<>();
        counts.forEach((k, v) -> rejected.put(k, new Rejected(v[0], examples.get(k))));
        return new Coverage(instructions, seen.size(), rejected);
    }

    /** Words objdump itself cannot decode are data in the code (literal pools, padding), not instructions. */
    private static boolean isInstruction(String key) {
        return !key.startsWith(".") && !key.equals("udf");
    }

    private static Set<Long> codeBlocks(Listing listing) {
        Map<Long, long[]> blocks = new TreeMap<>();
        for (int i = 0; i < listing.words().length; i++) {
            long[] b = blocks.computeIfAbsent(listing.addresses()[i] / BLOCK, k -> new long[2]);
            b[0]++;
            if (!isInstruction(listing.keys()[i])) {
                b[1]++;
            }
        }
        Set<Long> code = new HashSet<>();
        blocks.forEach((block, b) -> {
            if (b[1] <= DATA_BLOCK * b[0]) {
                code.add(block);
            }
        });
        return code;
    }

    /** A growable long[], to keep millions of addresses without boxing. */
    private static final class LongList {
        private long[] a = new long[1 << 16];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** A growable int[]. */
    private static final class IntList {
        private int[] a = new int[1 << 16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    /** Runs one instruction on a fresh vCPU and tells whether the decoder took it. */
    private static final class Probe {
        private final MemorySegment ram = Arena.ofAuto().allocate(0x10_000, 4096);
        private final GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(RAM, ram)));
        /** A real GIC's CPU interface: every ICC register it implements decodes. */
        private final InterruptInterface gic =
                new Gicv3(1, Gicv3.linesFor(-1), 0x0800_0000L, 0x080a_0000L).cpuInterface(0);

        boolean decodes(int word) {
            A64Cpu cpu = new A64Cpu(0, memory, gic);
            ram.set(GuestMemory.U32, 0x1000, word);
            cpu.setPc(RAM + 0x1000);
            cpu.run(1);
            // An undefined instruction is taken as an exception: EC 0 (with IL) for this one.
            return !(cpu.esr() == 0x0200_0000L && cpu.elr() == RAM + 0x1000);
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
