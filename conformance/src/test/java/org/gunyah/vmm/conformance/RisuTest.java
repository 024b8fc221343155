package org.gunyah.vmm.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gunyah.vmm.conformance.InstructionClasses.InsnClass;
import org.gunyah.vmm.conformance.InstructionClasses.Memory;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.CpuState;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Proof 2, in the manner of QEMU's risu: for each class of {@link InstructionClasses#TODAY},
 * random sequences of its encodings run from random registers (X0-X30, SP, NZCV, V0-V31, FPSR)
 * and a random 4 KiB memory block on the emulated vCPU and under qemu-aarch64 (the static harness
 * of src/test/c/risu, fed the cases in batches through a pipe); the whole register file and the
 * block are compared after each sequence. A difference names the seed, the case and the sequence
 * (disassembled), and the command that replays just that case.
 *
 * <p>System properties: {@code risu.instructions} (total over all classes, default 40000; the long
 * mode, 64100000, is a million of every class), {@code risu.seed} (default 1), {@code risu.class} (a substring of the
 * class names to run), {@code risu.case} (only that case), {@code risu.cpu} (qemu's -cpu,
 * default: each class's own, {@link InstructionClasses#V82} or {@link InstructionClasses#V80}).
 */
class RisuTest {
    static final long CODE = 0x0100_0000L;
    static final long MEM = 0x1000_0000L;
    static final int MEM_SIZE = 4096;
    static final int SEQUENCE = 6;
    static final int STATE_BYTES = 800;
    static final int FPSR_BITS = 0x0800_009f;

    static final long INSTRUCTIONS = Long.getLong("risu.instructions", 40_000);
    static final long SEED = Long.getLong("risu.seed", 1);
    static final String ONLY_CLASS = System.getProperty("risu.class", "");
    static final int ONLY_CASE = Integer.getInteger("risu.case", -1);
    static final String CPU = System.getProperty("risu.cpu", "");

    private static Path harness;
    private static long compared;
    private static long nanos;
    /** The instructions of each class compared (the MOVZ/MOVK and CLREX prefixes not counted). */
    private static final java.util.Map<String, Long> PER_CLASS = new java.util.LinkedHashMap<>();

    /** One test case: the initial state and the instruction words (prefixes included). */
    record Case(int index, long memSeed, long[] x, long sp, int nzcv, int fpsr, int fpcr, long[] v, int[] insns) {}

    /** A final state, from either side. */
    record State(
            long signal,
            long faultPc,
            long[] x,
            long sp,
            int nzcv,
            int fpsr,
            long[] v,
            TreeMap<Integer, Long> changed) {}

    static Stream<Arguments> classes() {
        return InstructionClasses.TODAY.stream()
                .filter(c -> c.name().contains(ONLY_CLASS))
                .flatMap(c -> Stream.of(Engine.values()).map(e -> Arguments.of(c, e)));
    }

    @BeforeAll
    static void buildHarness() {
        Tools.assumeAvailable();
        Path dir = Tools.work("risu");
        harness = dir.resolve("harness");
        Path src = Tools.sources().resolve("risu");
        Tools.build(
                Tools.GCC,
                "-static",
                "-O2",
                "-Wl,--defsym=code_base=0x" + Long.toHexString(CODE),
                "-Wl,--no-warn-rwx-segments",
                "-o",
                harness.toString(),
                src.resolve("harness.c").toString(),
                src.resolve("harness-stubs.S").toString());
    }

    @AfterAll
    static void throughput() {
        if (nanos > 0) {
            System.out.printf(
                    "risu: %d instructions compared in %.1f s (%.0f per second)%n",
                    compared, nanos / 1e9, compared / (nanos / 1e9));
            PER_CLASS.forEach((name, n) -> System.out.printf("risu: %,d of %s%n", n, name));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("classes")
    void sameStateAsQemu(InsnClass insnClass, Engine engine) throws Exception {
        long start = System.nanoTime();
        int perClass = (int) Math.max(1, INSTRUCTIONS / InstructionClasses.TODAY.size() / SEQUENCE);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            if (ONLY_CASE < 0 || ONLY_CASE == i) {
                cases.add(generate(insnClass, i));
            }
        }
        Process qemu = new ProcessBuilder(Tools.QEMU, "-cpu", CPU.isEmpty() ? insnClass.cpu() : CPU, harness.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        Thread writer = Thread.ofVirtual().start(() -> send(qemu.getOutputStream(), cases));
        List<String> failures = new ArrayList<>();
        long instructions = 0;
        try (Arena arena = Arena.ofConfined();
                DataInputStream in = new DataInputStream(new BufferedInputStream(qemu.getInputStream(), 1 << 16))) {
            MemorySegment code = arena.allocate(4096, 4096);
            MemorySegment mem = arena.allocate(MEM_SIZE, 4096);
            GuestMemory memory =
                    new GuestMemory(List.of(new GuestMemory.Region(CODE, code), new GuestMemory.Region(MEM, mem)));
            for (Case c : cases) {
                State reference = receive(in);
                State ours = execute(c, memory, code, mem, engine);
                instructions += c.insns().length;
                String difference = compare(reference, ours);
                if (difference != null && failures.size() < 5) {
                    failures.add(report(insnClass, c, difference));
                }
            }
        } finally {
            writer.join();
            qemu.destroy();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
        synchronized (RisuTest.class) {
            compared += instructions;
            nanos += System.nanoTime() - start;
            PER_CLASS.merge(insnClass.name(), (long) cases.size() * SEQUENCE, Long::sum);
        }
        if (!failures.isEmpty()) {
            fail(String.join("\n\n", failures));
        }
    }

    // ---- generation

    static Case generate(InsnClass insnClass, int index) {
        Random r = new Random(SEED * 0x9e3779b97f4a7c15L ^ insnClass.name().hashCode() * 31L ^ index);
        long[] x = new long[31];
        for (int i = 0; i < 31; i++) {
            x[i] = interesting(r);
        }
        long[] v = new long[64];
        for (int i = 0; i < 64; i++) {
            v[i] = interestingV(r);
        }
        // FPCR: RMode, FZ, DN, AHP at random (in three cases of four)
        int fpcr = r.nextInt(4) == 0 ? 0 : r.nextInt(32) << 22;
        List<Integer> insns = new ArrayList<>();
        long exclusiveTarget = MEM + 16L * (1 + r.nextInt(MEM_SIZE / 16 - 2));
        if (insnClass.memory() == Memory.EXCLUSIVE) {
            insns.add(CLREX); // the reference's monitor may still hold the previous case's address
        }
        for (int k = 0; k < SEQUENCE; k++) {
            int insn;
            do {
                insn = insnClass.value() | (r.nextInt() & ~insnClass.mask());
            } while (!insnClass.valid().test(insn)
                    || (insnClass.memory() != Memory.NONE && InstructionClasses.bits(insn, 9, 5) == 31));
            addressing(insnClass.memory(), insn, r, exclusiveTarget, insns);
            insns.add(insn);
        }
        return new Case(
                index,
                r.nextLong(),
                x,
                MEM + 16L * r.nextInt(MEM_SIZE / 16),
                r.nextInt(16),
                r.nextInt() & FPSR_BITS,
                fpcr,
                v,
                insns.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Random values with a bias to the edges: 0, ±1, sign bits, 32-bit boundaries, small numbers. */
    static long interesting(Random r) {
        return switch (r.nextInt(8)) {
            case 0 -> r.nextInt(256);
            case 1 -> -1L - r.nextInt(4);
            case 2 ->
                new long[] {
                            0,
                            1,
                            Long.MIN_VALUE,
                            Long.MAX_VALUE,
                            0xffff_ffffL,
                            0x8000_0000L,
                            0x7fff_ffffL,
                            0xffff_ffff_8000_0000L
                        }
                        [r.nextInt(8)];
            case 3 -> r.nextInt();
            default -> r.nextLong();
        };
    }

    static final int CLREX = 0xd503_305f;

    /** The FP/SIMD register values: the integer edges, and floating-point ones (zeros, infinities, NaNs, denormals). */
    static long interestingV(Random r) {
        return switch (r.nextInt(8)) {
            case 0, 1 -> (special32(r) & 0xffff_ffffL) | (long) special32(r) << 32;
            case 2, 3 -> special64(r);
            default -> interesting(r);
        };
    }

    private static int special32(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 0x8000_0000;
            case 2 -> 0x7f80_0000 | (r.nextBoolean() ? 0x8000_0000 : 0); // infinities
            case 3 -> 0x7fc0_0000 | r.nextInt(0x40_0000); // quiet NaN
            case 4 -> 0x7f80_0001 + r.nextInt(0x3f_ffff); // signalling NaN
            case 5 -> r.nextInt(0x80_0000) | (r.nextBoolean() ? 0x8000_0000 : 0); // denormal
            case 6 -> Float.floatToRawIntBits((r.nextInt(2001) - 1000) / 4f);
            case 7 -> 0x7f7f_ffff | (r.nextBoolean() ? 0x8000_0000 : 0); // the largest
            default -> r.nextInt();
        };
    }

    private static long special64(Random r) {
        return switch (r.nextInt(10)) {
            case 0 -> 0;
            case 1 -> Long.MIN_VALUE;
            case 2 -> 0x7ff0_0000_0000_0000L | (r.nextBoolean() ? Long.MIN_VALUE : 0);
            case 3 -> 0x7ff8_0000_0000_0000L | r.nextLong() >>> 13;
            case 4 -> 0x7ff0_0000_0000_0001L + (r.nextLong() >>> 14);
            case 5 -> (r.nextLong() >>> 12) | (r.nextBoolean() ? Long.MIN_VALUE : 0);
            case 6 -> Double.doubleToRawLongBits((r.nextInt(2001) - 1000) / 4d);
            case 7 -> 0x7fef_ffff_ffff_ffffL | (r.nextBoolean() ? Long.MIN_VALUE : 0);
            case 8 -> Double.doubleToRawLongBits(Float.intBitsToFloat(special32(r))); // exact as a single
            default -> r.nextLong();
        };
    }

    /** The bytes a load or store of one register moves: SIMD&FP (bit 26) opc<1> with size 00 is a Q. */
    private static int accessSize(int insn) {
        boolean simd = InstructionClasses.bits(insn, 26, 26) == 1;
        int size = InstructionClasses.bits(insn, 31, 30);
        return simd && size == 0 && InstructionClasses.bits(insn, 23, 23) == 1 ? 16 : 1 << size;
    }

    /** Prefixes that point the instruction's base (and index) register into the memory block. */
    static void addressing(Memory memory, int insn, Random r, long exclusiveTarget, List<Integer> out) {
        if (memory == Memory.NONE) {
            return;
        }
        int rn = InstructionClasses.bits(insn, 9, 5);
        int size = accessSize(insn);
        long target = MEM + 16 + r.nextInt(MEM_SIZE - 48);
        long base;
        switch (memory) {
            case STRUCTURES -> base = MEM + 16 + r.nextInt(MEM_SIZE - 128);
            case EXCLUSIVE -> base = exclusiveTarget;
            case ALIGNED -> base = MEM + 16L * (1 + r.nextInt(MEM_SIZE / 16 - 2));
            case UNSIGNED_OFFSET -> base = target - ((long) InstructionClasses.bits(insn, 21, 10) * size);
            case IMM9 -> {
                long imm9 = (InstructionClasses.bits(insn, 20, 12) << 23) >> 23;
                base = InstructionClasses.bits(insn, 11, 10) == 1 ? target : target - imm9;
            }
            case REGISTER_OFFSET -> {
                int rm = InstructionClasses.bits(insn, 20, 16);
                int shift = InstructionClasses.bits(insn, 12, 12) == 1 ? Integer.numberOfTrailingZeros(size) : 0;
                if (rm == rn) {
                    // one register is base and index: address = V + (V << shift)
                    move(rn, target / (1 + (1L << shift)), out);
                    return;
                }
                long index = rm == 31 ? 0 : r.nextInt(64);
                if (rm != 31) {
                    move(rm, index, out);
                }
                base = target - (index << shift);
            }
            case PAIR -> {
                boolean simd = InstructionClasses.bits(insn, 26, 26) == 1;
                int scale = 2 + (simd ? InstructionClasses.bits(insn, 31, 30) : InstructionClasses.bits(insn, 31, 31));
                long imm7 = (InstructionClasses.bits(insn, 21, 15) << 25) >> 25;
                base = InstructionClasses.bits(insn, 24, 23) == 1 ? target : target - (imm7 << scale);
            }
            default -> throw new IllegalStateException();
        }
        move(rn, base, out);
    }

    /** MOVZ/MOVK Xd of a value below 2^32. */
    static void move(int rd, long value, List<Integer> out) {
        out.add(0xd280_0000 | (int) (value & 0xffff) << 5 | rd);
        out.add(0xf2a0_0000 | (int) ((value >>> 16) & 0xffff) << 5 | rd);
    }

    // ---- the reference

    static void send(OutputStream raw, List<Case> cases) {
        try (OutputStream out = new BufferedOutputStream(raw, 1 << 16)) {
            ByteBuffer b = ByteBuffer.allocate(8 + STATE_BYTES + 4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(cases.size()).putInt(0);
            out.write(b.array(), 0, b.position());
            for (Case c : cases) {
                b.clear();
                b.putInt(c.insns().length).putInt(0).putLong(c.memSeed());
                for (long x : c.x()) {
                    b.putLong(x);
                }
                b.putLong(c.sp())
                        .putLong((long) c.nzcv() << 28)
                        .putLong(c.fpsr())
                        .putLong(c.fpcr())
                        .putLong(0);
                for (long v : c.v()) {
                    b.putLong(v);
                }
                for (int insn : c.insns()) {
                    b.putInt(insn);
                }
                out.write(b.array(), 0, b.position());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static State receive(DataInputStream in) throws IOException {
        byte[] head = new byte[16 + STATE_BYTES + 8];
        in.readFully(head);
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        long signal = b.getLong();
        long pc = b.getLong();
        long[] x = new long[31];
        for (int i = 0; i < 31; i++) {
            x[i] = b.getLong();
        }
        long sp = b.getLong();
        int nzcv = (int) (b.getLong() >>> 28) & 0xf;
        int fpsr = (int) b.getLong();
        b.getLong();
        b.getLong();
        long[] v = new long[64];
        for (int i = 0; i < 64; i++) {
            v[i] = b.getLong();
        }
        int changed = b.getInt();
        TreeMap<Integer, Long> words = new TreeMap<>();
        byte[] pairs = new byte[16 * changed];
        in.readFully(pairs);
        ByteBuffer p = ByteBuffer.wrap(pairs).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < changed; i++) {
            words.put((int) p.getLong(), p.getLong());
        }
        return new State(signal, pc, x, sp, nzcv, fpsr, v, words);
    }

    // ---- the vCPU

    static void fill(MemorySegment mem, long seed) {
        long x = seed | 1;
        for (int i = 0; i < MEM_SIZE / 8; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            mem.setAtIndex(ValueLayout.JAVA_LONG_UNALIGNED, i, x);
        }
    }

    /**
     * Runs case {@code c}: the interpreter a step at a time; the translator with the sequence's
     * length as its budget (one translated run), then a step at a time if it stopped early.
     */
    static State execute(Case c, GuestMemory memory, MemorySegment code, MemorySegment mem, Engine engine) {
        fill(mem, c.memSeed());
        long[] initial = mem.toArray(ValueLayout.JAVA_LONG);
        for (int i = 0; i < c.insns().length; i++) {
            code.setAtIndex(ValueLayout.JAVA_INT, i, c.insns()[i]);
        }
        long end = CODE + 4L * c.insns().length;
        code.setAtIndex(ValueLayout.JAVA_INT, c.insns().length, 0); // UDF: a run past the end crashes
        memory.code().invalidateAll(); // new code, written as a loader writes it before IC IALLU
        A64Cpu cpu = CpuState.newCpu(memory);
        cpu.setTranslation(engine.threshold());
        for (int i = 0; i < 31; i++) {
            cpu.setX(i, c.x()[i]);
        }
        CpuState.setSp(cpu, c.sp());
        CpuState.setNzcv(cpu, c.nzcv());
        CpuState.setFpsr(cpu, c.fpsr());
        CpuState.setFpcr(cpu, c.fpcr());
        for (int i = 0; i < 32; i++) {
            cpu.setV(i, c.v()[2 * i], c.v()[2 * i + 1]);
        }
        cpu.setPc(CODE);
        long signal = 0;
        long faultPc = 0;
        int step = 0;
        if (cpu.translating()) {
            Exit e = cpu.run(c.insns().length);
            step = (int) cpu.instructions();
            if (!(e instanceof Exit.Budget)) {
                // The PC of an access outside RAM is past it (the exit leaves the vCPU ready to resume).
                signal = e instanceof Exit.Crash ? 4 : 11;
                faultPc = e instanceof Exit.Crash crash ? crash.pc() : cpu.pc() - 4;
                step = c.insns().length + 1;
            }
        }
        for (; step <= c.insns().length && cpu.pc() != end; step++) {
            long pc = cpu.pc();
            Exit e = cpu.run(1);
            if (!(e instanceof Exit.Budget)) {
                signal = e instanceof Exit.Crash ? 4 : 11; // a crash is SIGILL's twin, an access outside RAM SIGSEGV's
                faultPc = e instanceof Exit.Crash crash ? crash.pc() : pc;
                break;
            }
        }
        long[] x = new long[31];
        for (int i = 0; i < 31; i++) {
            x[i] = cpu.x(i);
        }
        long[] v = new long[64];
        for (int i = 0; i < 32; i++) {
            v[2 * i] = cpu.vLow(i);
            v[2 * i + 1] = cpu.vHigh(i);
        }
        TreeMap<Integer, Long> changed = new TreeMap<>();
        for (int i = 0; i < MEM_SIZE / 8; i++) {
            long w = mem.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (w != initial[i]) {
                changed.put(8 * i, w);
            }
        }
        return new State(signal, faultPc, x, cpu.sp(), CpuState.nzcv(cpu), cpu.fpsr(), v, changed);
    }

    // ---- comparison

    static String compare(State q, State o) {
        if (q.signal() != 0 || o.signal() != 0) {
            if (q.signal() == o.signal() && q.faultPc() == o.faultPc()) {
                return null;
            }
            return String.format("qemu-aarch64: %s; vCPU: %s", fault(q), fault(o));
        }
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < 31; i++) {
            if (q.x()[i] != o.x()[i]) {
                d.append(String.format("X%d: qemu %016x, vCPU %016x%n", i, q.x()[i], o.x()[i]));
            }
        }
        if (q.sp() != o.sp()) {
            d.append(String.format("SP: qemu %016x, vCPU %016x%n", q.sp(), o.sp()));
        }
        if (q.nzcv() != o.nzcv()) {
            d.append(String.format("NZCV: qemu %s, vCPU %s%n", flags(q.nzcv()), flags(o.nzcv())));
        }
        if (q.fpsr() != o.fpsr()) {
            d.append(String.format("FPSR: qemu %08x, vCPU %08x%n", q.fpsr(), o.fpsr()));
        }
        for (int i = 0; i < 32; i++) {
            if (q.v()[2 * i] != o.v()[2 * i] || q.v()[2 * i + 1] != o.v()[2 * i + 1]) {
                d.append(String.format(
                        "V%d: qemu %016x%016x, vCPU %016x%016x%n",
                        i, q.v()[2 * i + 1], q.v()[2 * i], o.v()[2 * i + 1], o.v()[2 * i]));
            }
        }
        if (!q.changed().equals(o.changed())) {
            d.append("memory words written: qemu ")
                    .append(words(q.changed()))
                    .append(", vCPU ")
                    .append(words(o.changed()));
        }
        return d.isEmpty() ? null : d.toString().strip();
    }

    private static String fault(State s) {
        return s.signal() == 0 ? "ran to the end" : String.format("signal %d at pc 0x%x", s.signal(), s.faultPc());
    }

    private static String flags(int nzcv) {
        return "" + ((nzcv & 8) != 0 ? 'N' : 'n') + ((nzcv & 4) != 0 ? 'Z' : 'z') + ((nzcv & 2) != 0 ? 'C' : 'c')
                + ((nzcv & 1) != 0 ? 'V' : 'v');
    }

    private static String words(TreeMap<Integer, Long> w) {
        StringBuilder s = new StringBuilder("{");
        w.forEach((k, v) -> s.append(String.format(" MEM+0x%x=%016x", k, v)));
        return s.append(" }").toString();
    }

    private static String report(InsnClass insnClass, Case c, String difference) {
        return String.format(
                "risu: %s, seed %d, case %d (FPCR %08x) differs:%n%s%nsequence (at 0x%x):%n%s%nreplay: mvn -o verify"
                        + " -pl conformance -Dtest=RisuTest -Drisu.seed=%d -Drisu.class='%s' -Drisu.case=%d",
                insnClass.name(),
                SEED,
                c.index(),
                c.fpcr(),
                difference,
                CODE,
                disassemble(c.insns()),
                SEED,
                insnClass.name(),
                c.index());
    }

    static String disassemble(int[] insns) {
        try {
            Path f = Files.createTempFile("risu", ".bin");
            try {
                ByteBuffer b = ByteBuffer.allocate(4 * insns.length).order(ByteOrder.LITTLE_ENDIAN);
                for (int i : insns) {
                    b.putInt(i);
                }
                Files.write(f, b.array());
                Tools.Result r = Tools.run(List.of(
                        Tools.OBJDUMP,
                        "-D",
                        "-b",
                        "binary",
                        "-m",
                        "aarch64",
                        "--adjust-vma=0x" + Long.toHexString(CODE),
                        f.toString()));
                StringBuilder s = new StringBuilder();
                for (String line : r.out().split("\n")) {
                    if (line.matches("\\s+[0-9a-f]+:.*")) {
                        s.append(line).append('\n');
                    }
                }
                return s.toString().stripTrailing();
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
