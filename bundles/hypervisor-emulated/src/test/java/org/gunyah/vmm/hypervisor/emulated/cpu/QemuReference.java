package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs single instructions on qemu-aarch64 (the reference, as a Cortex-A57: ARMv8.0) and on our
 * interpreter from the same register state, and compares every register and a scratch area of
 * memory afterwards. One static ELF image holds all the cases, each as: set FPCR, FPSR = 0, NZCV,
 * load X0-X27 and V0-V31 from its input block, the instruction, store them all and NZCV and FPSR
 * to its output block (which also holds the scratch memory that loads and stores use). Under
 * qemu a SIGILL handler records the instruction as undefined and skips it; ours must then crash
 * with the undefined-instruction reason. Our image runs each case on a fresh vCPU up to the HVC
 * that replaces qemu's NOP at its end, with FPCR set and FPSR read from Java (their MRS/MSR are
 * another group's), so the two images differ only in those words, never in data.
 */
final class QemuReference {
    static final long BASE = 0x4000_0000L;
    static final int CODE = 0x1000;
    static final int X_OFF = 0; // X0-X27
    static final int V_OFF = 224; // V0-V31
    static final int FPCR_OFF = 736;
    static final int NZCV_OFF = 744;
    static final int FPSR_OFF = 752;
    static final int SCRATCH_OFF = 768;
    static final int SCRATCH = 2048;
    static final int IN_SIZE = 768;
    static final int OUT_SIZE = SCRATCH_OFF + SCRATCH;
    static final int FPSR_FLAGS = 0x0800_009f;

    private static final int NOP = 0xd503201f;
    private static final int HVC = 0xd4000002;
    private static final int MSR_FPCR_X27 = 0xd51b441b;
    private static final int MSR_FPSR_XZR = 0xd51b443f;
    private static final int MSR_NZCV_X27 = 0xd51b421b;
    private static final int MRS_X27_NZCV = 0xd53b421b;
    private static final int MRS_X27_FPSR = 0xd53b443b;
    private static final int MSR_FPCR_XZR = 0xd51b441f;

    /** One case: an instruction and the state before it; {@code scratch} initialises memory. */
    record Case(int insn, long[] x, long[] vlo, long[] vhi, int fpcr, int nzcv, byte[] scratch, String name) {}

    /** Where a case lives in the image. */
    record Placed(Case c, long start, long insnPc, long slotPc, long in, long out) {}

    /** The outcome of a case on one side: undefined, or its output block. */
    record Outcome(boolean undefined, byte[] out, String crash) {}

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/qemu-aarch64"))
                || System.getenv("PATH") != null
                        && java.util.Arrays.stream(System.getenv("PATH").split(":"))
                                .anyMatch(p -> Files.isExecutable(Path.of(p, "qemu-aarch64")));
    }

    private final List<Placed> placed = new ArrayList<>();
    private final ByteBuffer image;
    private final List<Long> differing = new ArrayList<>(); // addresses of words that differ in ours
    private final List<Integer> oursWords = new ArrayList<>();
    private final long illCount;

    /** Where the case's input block will be, so a literal load can aim at it. */
    static long inputAddress(long start) {
        return start + CODE_WORDS * 4;
    }

    static long insnAddress(long start) {
        return start + INSN_INDEX * 4;
    }

    static final int INSN_INDEX = 7 + 16 + 14;
    static final int CODE_WORDS = 80; // INSN_INDEX + 40, rounded up to 16 bytes

    /** The address the next case added will start at. */
    long nextStart() {
        return next;
    }

    /** The address the next case's output block will be at. */
    long nextOut() {
        return nextOut;
    }

    private long next;
    private long nextOut;
    private final int dataStart;
    private final int illBytes;

    QemuReference(int capacity) {
        // qemu refuses a writable and executable segment: code and input blocks are read/execute,
        // from BASE; output blocks (with the scratch memory) and the SIGILL records read/write,
        // from BASE + dataStart.
        dataStart = (CODE + 0x2000 + capacity * (CODE_WORDS * 4 + IN_SIZE) + 0xfff) & ~0xfff; // + the exit code
        illBytes = (8 + 8 * capacity + 0xfff) & ~0xfff; // room for every case to be undefined
        int size = dataStart + illBytes + capacity * OUT_SIZE + 4096;
        image = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        // The SIGILL handler's records: a count then the PCs.
        long ill = BASE + dataStart;
        illCount = ill;
        int p = CODE;
        // rt_sigaction(SIGILL, &act, NULL, 8); act at CODE + 1024: handler, SA_SIGINFO | SA_NODEFER.
        long act = BASE + CODE + 1024;
        p = movAddr(p, 0, 4);
        p = movAddr(p, 1, act);
        p = movAddr(p, 2, 0);
        p = movAddr(p, 3, 8);
        p = movAddr(p, 8, 134);
        p = word(p, 0xd4000001); // svc #0
        int branchToCases = p;
        p = word(p, 0); // b cases (patched)
        int handler = p;
        p = movAddr(p, 10, ill);
        p = word(p, 0xf9400049 | (440 / 8) << 10); // ldr x9, [x2, #440] (the pc)
        p = word(p, 0xf940014b); // ldr x11, [x10]
        p = word(p, 0x9100214c); // add x12, x10, #8
        p = word(p, 0xf82b7989); // str x9, [x12, x11, lsl #3]
        p = word(p, 0x9100056b); // add x11, x11, #1
        p = word(p, 0xf900014b); // str x11, [x10]
        p = word(p, 0x91001129); // add x9, x9, #4
        p = word(p, 0xf9000049 | (440 / 8) << 10); // str x9, [x2, #440]
        p = word(p, 0xd65f03c0); // ret
        image.putLong(CODE + 1024, BASE + handler);
        image.putLong(CODE + 1032, 0x4000_0004L);
        next = BASE + CODE + 0x1000;
        nextOut = BASE + dataStart + illBytes;
        int cases = (int) (next - BASE);
        image.putInt(branchToCases, 0x14000000 | ((cases - branchToCases) / 4 & 0x3ffffff));
    }

    void add(Case c) {
        long start = next;
        int p = (int) (start - BASE);
        long in = inputAddress(start);
        long out = nextOut;
        nextOut += OUT_SIZE;
        p = movAddr(p, 28, in);
        p = ldr(p, 27, FPCR_OFF);
        differing.add(BASE + p);
        oursWords.add(NOP);
        p = word(p, MSR_FPCR_X27);
        differing.add(BASE + p);
        oursWords.add(NOP);
        p = word(p, MSR_FPSR_XZR);
        p = ldr(p, 27, NZCV_OFF);
        p = word(p, MSR_NZCV_X27);
        for (int i = 0; i < 32; i += 2) {
            p = word(p, 0xad400000 | ((V_OFF + 16 * i) / 16) << 15 | (i + 1) << 10 | 28 << 5 | i);
        }
        for (int i = 0; i < 28; i += 2) {
            p = word(p, 0xa9400000 | ((X_OFF + 8 * i) / 8) << 15 | (i + 1) << 10 | 28 << 5 | i);
        }
        long insnPc = BASE + p;
        if (insnPc != insnAddress(start)) {
            throw new AssertionError("layout");
        }
        p = word(p, c.insn());
        p = movAddr(p, 28, out);
        for (int i = 0; i < 32; i += 2) {
            p = word(p, 0xad000000 | ((V_OFF + 16 * i) / 16) << 15 | (i + 1) << 10 | 28 << 5 | i);
        }
        for (int i = 0; i < 28; i += 2) {
            p = word(p, 0xa9000000 | ((X_OFF + 8 * i) / 8) << 15 | (i + 1) << 10 | 28 << 5 | i);
        }
        p = word(p, MRS_X27_NZCV);
        p = str(p, 27, NZCV_OFF);
        differing.add(BASE + p);
        oursWords.add(NOP);
        p = word(p, MRS_X27_FPSR);
        differing.add(BASE + p);
        oursWords.add(NOP);
        p = str(p, 27, FPSR_OFF);
        differing.add(BASE + p);
        oursWords.add(NOP);
        p = word(p, MSR_FPCR_XZR);
        long slot = BASE + p;
        differing.add(slot);
        oursWords.add(HVC);
        p = word(p, NOP);
        int after = (int) (in + IN_SIZE - BASE);
        p = word(p, 0x14000000 | ((after - p) / 4 & 0x3ffffff));
        if (BASE + p > in) {
            throw new AssertionError("layout: code too long");
        }
        while (BASE + p < in) {
            p = word(p, NOP);
        }
        p = (int) (in - BASE);
        for (int i = 0; i < 28; i++) {
            image.putLong(p + X_OFF + 8 * i, c.x()[i]);
        }
        for (int i = 0; i < 32; i++) {
            image.putLong(p + V_OFF + 16 * i, c.vlo()[i]);
            image.putLong(p + V_OFF + 16 * i + 8, c.vhi()[i]);
        }
        image.putLong(p + FPCR_OFF, c.fpcr());
        image.putLong(p + NZCV_OFF, (long) c.nzcv() << 28);
        image.put((int) (out - BASE) + SCRATCH_OFF, c.scratch());
        placed.add(new Placed(c, start, insnPc, slot, in, out));
        next = in + IN_SIZE;
    }

    List<Placed> placed() {
        return placed;
    }

    /** Finishes the image with exit code: write(1, image, size); exit(0). */
    private byte[] finish(boolean qemu) {
        int p = (int) (next - BASE);
        int end = (int) (nextOut - BASE);
        p = movAddr(p, 0, 1);
        p = movAddr(p, 1, BASE);
        p = movAddr(p, 2, end);
        p = movAddr(p, 8, 64);
        p = word(p, 0xd4000001);
        p = movAddr(p, 0, 0);
        p = movAddr(p, 8, 93);
        p = word(p, 0xd4000001);
        byte[] bytes = new byte[end];
        image.get(0, bytes);
        // The ELF header and one PT_LOAD of the whole image at BASE, read/write/execute.
        ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0});
        h.putShort(16, (short) 2).putShort(18, (short) 183).putInt(20, 1);
        h.putLong(24, BASE + CODE).putLong(32, 64).putLong(40, 0).putInt(48, 0);
        h.putShort(52, (short) 64).putShort(54, (short) 56).putShort(56, (short) 2);
        h.putShort(58, (short) 64).putShort(60, (short) 0).putShort(62, (short) 0);
        h.putInt(64, 1).putInt(68, 5).putLong(72, 0).putLong(80, BASE).putLong(88, BASE);
        h.putLong(96, dataStart).putLong(104, dataStart).putLong(112, 0x1000);
        h.putInt(120, 1).putInt(124, 6).putLong(128, dataStart);
        h.putLong(136, BASE + dataStart).putLong(144, BASE + dataStart);
        h.putLong(152, end - dataStart).putLong(160, end - dataStart).putLong(168, 0x1000);
        if (!qemu) {
            for (int i = 0; i < differing.size(); i++) {
                h.putInt((int) (differing.get(i) - BASE), oursWords.get(i));
            }
        }
        return bytes;
    }

    /** Runs the image under qemu-aarch64: each case's outcome, in order. */
    List<Outcome> runQemu() throws IOException, InterruptedException {
        byte[] elf = finish(true);
        Path file = Files.createTempFile("fpsimd-", ".elf");
        try {
            Files.write(file, elf);
            if (System.getenv("SIMD_KEEP") != null) {
                Files.write(Path.of(System.getenv("SIMD_KEEP")), elf);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            Process proc = new ProcessBuilder("qemu-aarch64", "-cpu", "cortex-a57", file.toString())
                    .redirectErrorStream(false)
                    .start();
            byte[] dump = proc.getInputStream().readAllBytes();
            String err = new String(proc.getErrorStream().readAllBytes());
            if (!proc.waitFor(60, TimeUnit.SECONDS) || proc.exitValue() != 0 || dump.length != elf.length) {
                throw new IOException("qemu-aarch64 failed: exit " + proc.exitValue() + " " + err);
            }
            ByteBuffer d = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
            Set<Long> ill = new HashSet<>();
            long count = d.getLong((int) (illCount - BASE));
            for (int i = 0; i < count; i++) {
                ill.add(d.getLong((int) (illCount - BASE) + 8 + 8 * i));
            }
            List<Outcome> result = new ArrayList<>();
            for (Placed pl : placed) {
                byte[] out = new byte[OUT_SIZE];
                d.get((int) (pl.out() - BASE), out);
                maskFpsr(out);
                result.add(new Outcome(ill.contains(pl.insnPc()), out, null));
            }
            return result;
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Runs each case on a fresh vCPU of ours, translating code reached more than {@code
     * threshold} times (-1: interpreting only).
     */
    List<Outcome> runOurs(int threshold) {
        byte[] img = finish(false);
        MemorySegment ram = Arena.ofAuto().allocate(img.length + 4096, 4096);
        MemorySegment.copy(img, 0, ram, ValueLayout.JAVA_BYTE, 0, img.length);
        GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(BASE, ram)));
        List<Outcome> result = new ArrayList<>();
        for (Placed pl : placed) {
            A64Cpu cpu = new A64Cpu(0, memory, null);
            cpu.setTranslation(threshold);
            cpu.setPc(pl.start());
            cpu.fpcr = pl.c().fpcr();
            cpu.fpsr = 0;
            Exit e = cpu.run(1000);
            byte[] out = new byte[OUT_SIZE];
            boolean undefined = false;
            String crash = null;
            if (e instanceof Exit.Crash cr) {
                undefined = cr.pc() == pl.insnPc() && cr.reason().startsWith("undefined");
                crash = undefined ? null : cr.toString();
            } else if (!(e instanceof Exit.Hypercall) || cpu.pc() != pl.slotPc() + 4) {
                crash = "ended with " + e + " at 0x" + Long.toHexString(cpu.pc());
            }
            if (!undefined && crash == null) {
                MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, pl.out() - BASE, out, 0, OUT_SIZE);
                ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(FPSR_OFF, cpu.fpsr);
                maskFpsr(out);
            }
            result.add(new Outcome(undefined, out, crash));
        }
        return result;
    }

    private static void maskFpsr(byte[] out) {
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(FPSR_OFF, b.getLong(FPSR_OFF) & FPSR_FLAGS);
    }

    private int word(int p, int w) {
        image.putInt(p, w);
        return p + 4;
    }

    private int movAddr(int p, int rd, long value) {
        p = word(p, 0xd2800000 | (int) (value & 0xffff) << 5 | rd);
        return word(p, 0xf2a00000 | (int) ((value >>> 16) & 0xffff) << 5 | rd);
    }

    private int ldr(int p, int rt, int off) {
        return word(p, 0xf9400000 | (off / 8) << 10 | 28 << 5 | rt);
    }

    private int str(int p, int rt, int off) {
        return word(p, 0xf9000000 | (off / 8) << 10 | 28 << 5 | rt);
    }
}
