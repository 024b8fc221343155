package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Every SIMD and floating-point instruction class we implement, on random encodings of its
 * pattern and random (and specially chosen: zeros, infinities, NaNs, denormals, equal bytes)
 * inputs, against qemu-aarch64 as a Cortex-A57. An encoding qemu finds undefined must be undefined
 * here too. Skipped, saying so, where qemu-aarch64 is not installed.
 *
 * <p>A pattern is 32 characters, bit 31 first: 0 and 1 are fixed, x is random, a run of r is a
 * general register (X0-X27 or 31, so XZR/SP), b a base register (pointed at scratch memory), o an
 * offset register (a small value), L a 19-bit literal offset aimed at the case's input block.
 */
class SimdReferenceTest {
    private static final long SEED =
            System.getenv("SIMD_SEED") != null ? Long.parseLong(System.getenv("SIMD_SEED")) : 20261202L;
    /** SIMD_SCALE multiplies the cases of every pattern, for a longer search than the build's. */
    private static final int SCALE =
            System.getenv("SIMD_SCALE") != null ? Integer.parseInt(System.getenv("SIMD_SCALE")) : 1;

    record Pattern(String name, String bits) {}

    private static void check(int cases, Pattern... patterns) throws Exception {
        int perPattern = cases * SCALE;
        assumeTrue(QemuReference.available(), "qemu-aarch64 is not installed: no reference to compare with");
        Random rnd = new Random(SEED ^ patterns[0].bits().hashCode());
        QemuReference ref = new QemuReference(perPattern * patterns.length);
        for (Pattern p : patterns) {
            for (int i = 0; i < perPattern; i++) {
                ref.add(randomCase(rnd, p, ref));
            }
        }
        List<QemuReference.Outcome> expected = ref.runQemu();
        List<String> failures = new ArrayList<>();
        // The interpreter, then the translator translating every case's code at once.
        for (int threshold : new int[] {-1, 0}) {
            List<QemuReference.Outcome> actual = ref.runOurs(threshold);
            for (int i = 0; i < expected.size(); i++) {
                String diff = compare(ref.placed().get(i), expected.get(i), actual.get(i));
                if (diff != null) {
                    failures.add((threshold < 0 ? "interpreter: " : "translator: ") + diff);
                }
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + expected.size() + " cases differ from qemu:\n"
                    + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
        }
    }

    private static String compare(QemuReference.Placed pl, QemuReference.Outcome want, QemuReference.Outcome got) {
        var c = pl.c();
        int rn = (c.insn() >>> 5) & 31;
        int rm = (c.insn() >>> 16) & 31;
        String head = String.format(
                "%s %08x (fpcr %08x nzcv %x, v%d %016x_%016x, v%d %016x_%016x): ",
                c.name(), c.insn(), c.fpcr(), c.nzcv(), rn, c.vhi()[rn], c.vlo()[rn], rm, c.vhi()[rm], c.vlo()[rm]);
        if (got.crash() != null) {
            return head + (want.undefined() ? "undefined under qemu, ours: " : "ours: ") + got.crash();
        }
        if (want.undefined() != got.undefined()) {
            return head + (want.undefined() ? "undefined under qemu, not ours" : "ours is undefined, qemu's is not");
        }
        if (want.undefined()) {
            return null;
        }
        ByteBuffer w = ByteBuffer.wrap(want.out()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer g = ByteBuffer.wrap(got.out()).order(ByteOrder.LITTLE_ENDIAN);
        List<String> d = new ArrayList<>();
        for (int i = 0; i < 28; i++) {
            long a = w.getLong(QemuReference.X_OFF + 8 * i);
            long b = g.getLong(QemuReference.X_OFF + 8 * i);
            if (a != b) {
                d.add(String.format("x%d want %016x got %016x (was %016x)", i, a, b, c.x()[i]));
            }
        }
        for (int i = 0; i < 32; i++) {
            int o = QemuReference.V_OFF + 16 * i;
            if (w.getLong(o) != g.getLong(o) || w.getLong(o + 8) != g.getLong(o + 8)) {
                d.add(String.format(
                        "v%d want %016x_%016x got %016x_%016x (was %016x_%016x)",
                        i, w.getLong(o + 8), w.getLong(o), g.getLong(o + 8), g.getLong(o), c.vhi()[i], c.vlo()[i]));
            }
        }
        if (w.getLong(QemuReference.NZCV_OFF) != g.getLong(QemuReference.NZCV_OFF)) {
            d.add(String.format(
                    "nzcv want %x got %x",
                    w.getLong(QemuReference.NZCV_OFF) >>> 28, g.getLong(QemuReference.NZCV_OFF) >>> 28));
        }
        if (w.getLong(QemuReference.FPSR_OFF) != g.getLong(QemuReference.FPSR_OFF)) {
            d.add(String.format(
                    "fpsr want %x got %x", w.getLong(QemuReference.FPSR_OFF), g.getLong(QemuReference.FPSR_OFF)));
        }
        for (int i = QemuReference.SCRATCH_OFF; i < QemuReference.OUT_SIZE; i++) {
            if (w.get(i) != g.get(i)) {
                d.add(String.format(
                        "memory +%d want %02x got %02x", i - QemuReference.SCRATCH_OFF, w.get(i), g.get(i)));
                break;
            }
        }
        return d.isEmpty() ? null : head + String.join("; ", d);
    }

    private static QemuReference.Case randomCase(Random rnd, Pattern p, QemuReference ref) {
        long scratch = ref.nextOut() + QemuReference.SCRATCH_OFF;
        long start = ref.nextStart();
        long[] x = new long[28];
        for (int i = 0; i < 28; i++) {
            x[i] = randomX(rnd);
        }
        int insn = 0;
        String bits = p.bits();
        int base = -1;
        int offset = -1;
        for (int i = 0; i < 32; ) {
            char ch = bits.charAt(i);
            int bit = 31 - i;
            switch (ch) {
                case '0' -> i++;
                case '1' -> {
                    insn |= 1 << bit;
                    i++;
                }
                case 'x' -> {
                    insn |= rnd.nextInt(2) << bit;
                    i++;
                }
                case 'r', 'b', 'o' -> {
                    int reg = ch == 'r' && rnd.nextInt(8) == 0 ? 31 : rnd.nextInt(28);
                    while (ch == 'o' && reg == base || ch == 'b' && reg == offset) {
                        reg = rnd.nextInt(28);
                    }
                    if (ch == 'b') {
                        base = reg;
                    } else if (ch == 'o') {
                        offset = reg;
                    }
                    insn |= reg << (bit - 4);
                    i += 5;
                }
                case 'L' -> {
                    long target = QemuReference.inputAddress(start) + 8 * rnd.nextInt(80);
                    long pc = QemuReference.insnAddress(start);
                    insn |= (int) (((target - pc) >> 2) & 0x7ffff) << (bit - 18);
                    i += 19;
                }
                default -> throw new IllegalArgumentException(bits);
            }
        }
        if (base >= 0) {
            x[base] = scratch + 448 + rnd.nextInt(128);
        }
        if (offset >= 0) {
            x[offset] = rnd.nextInt(32);
        }
        long[] lo = new long[32];
        long[] hi = new long[32];
        int flavour = rnd.nextInt(5);
        for (int i = 0; i < 32; i++) {
            lo[i] = randomV(rnd, flavour);
            hi[i] = randomV(rnd, flavour);
        }
        int fpcr = 0;
        if (rnd.nextInt(3) == 0) {
            fpcr = (rnd.nextInt(16) << 22) | (rnd.nextInt(2) << 26);
        }
        byte[] mem = new byte[QemuReference.SCRATCH];
        rnd.nextBytes(mem);
        return new QemuReference.Case(insn, x, lo, hi, fpcr, rnd.nextInt(16), mem, p.name());
    }

    private static long randomX(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> rnd.nextInt(256) - 128;
            case 2 -> Double.doubleToRawLongBits(special64(rnd));
            case 3 -> Float.floatToRawIntBits(special32(rnd)) & 0xffff_ffffL;
            default -> rnd.nextLong();
        };
    }

    private static long randomV(Random rnd, int flavour) {
        return switch (flavour) {
            case 0 -> rnd.nextLong();
            case 1 -> {
                long v = 0;
                for (int i = 0; i < 8; i++) {
                    v |= (long) (rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(3) == 0 ? 0x80 + rnd.nextInt(2) : rnd.nextInt(4))
                            << (8 * i);
                }
                yield v;
            }
            case 2 ->
                (Float.floatToRawIntBits(special32(rnd)) & 0xffff_ffffL)
                        | (long) Float.floatToRawIntBits(special32(rnd)) << 32;
            case 3 -> Double.doubleToRawLongBits(special64(rnd));
            default -> {
                // the saturation limits of every element size, in random lanes
                long[] limits = {0x8000L, 0x7fffL, 0xffffL, 0x8000_0000L, 0x7fff_ffffL, 0xffff_ffffL, 1, 0};
                long v = rnd.nextInt(2) == 0 ? Long.MIN_VALUE : rnd.nextInt(2) == 0 ? Long.MAX_VALUE : -1;
                for (int i = 0; i < 4; i++) {
                    if (rnd.nextBoolean()) {
                        int shift = 16 * i;
                        long l = limits[rnd.nextInt(limits.length)];
                        v = v & ~(0xffffL << shift) | (l & 0xffff) << shift;
                        if (l > 0xffff && i % 2 == 0) {
                            v = v & ~(0xffff_ffffL << shift) | l << shift;
                        }
                    }
                }
                yield v;
            }
        };
    }

    private static float special32(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> 0f;
            case 1 -> -0f;
            case 2 -> Float.POSITIVE_INFINITY;
            case 3 -> Float.NEGATIVE_INFINITY;
            case 4 -> Float.intBitsToFloat(0x7fc00000 | rnd.nextInt(0x400000)); // quiet NaN
            case 5 -> Float.intBitsToFloat(0x7f800001 + rnd.nextInt(0x3fffff)); // signalling NaN
            case 6 -> Float.intBitsToFloat(rnd.nextInt(0x800000) | (rnd.nextBoolean() ? 0x80000000 : 0)); // denormal
            case 7 -> (float) (rnd.nextInt(2001) - 1000) / 4;
            case 8 -> Float.MAX_VALUE * (rnd.nextBoolean() ? 1 : -1);
            case 9 -> (float) (rnd.nextGaussian() * 1e10);
            default -> Float.intBitsToFloat(rnd.nextInt());
        };
    }

    private static double special64(Random rnd) {
        return switch (rnd.nextInt(13)) {
            case 12 -> // the top binade, where a sum's intermediate steps can overflow
                Double.longBitsToDouble(
                        0x7fe0_0000_0000_0000L | rnd.nextLong() >>> 12 | (rnd.nextBoolean() ? Long.MIN_VALUE : 0));
            case 0 -> 0d;
            case 1 -> -0d;
            case 2 -> Double.POSITIVE_INFINITY;
            case 3 -> Double.NEGATIVE_INFINITY;
            case 4 -> Double.longBitsToDouble(0x7ff8000000000000L | rnd.nextLong() >>> 13);
            case 5 -> Double.longBitsToDouble(0x7ff0000000000001L + (rnd.nextLong() >>> 14));
            case 6 -> Double.longBitsToDouble((rnd.nextLong() >>> 12) | (rnd.nextBoolean() ? Long.MIN_VALUE : 0));
            case 7 -> (double) (rnd.nextInt(2001) - 1000) / 4;
            case 8 -> Double.MAX_VALUE * (rnd.nextBoolean() ? 1 : -1);
            case 9 -> rnd.nextGaussian() * 1e20;
            default -> Double.longBitsToDouble(rnd.nextLong());
        };
    }

    private static Pattern p(String name, String bits) {
        String b = bits.replace(" ", "").replace("_", "");
        if (b.length() != 32) {
            throw new IllegalArgumentException(name + ": " + b.length() + " bits");
        }
        return new Pattern(name, b);
    }

    // The pattern strings write fields as in the Arm ARM's encoding diagrams.

    @Test
    void scalarLoadsAndStoresInEveryAddressingModeMatchQemu() throws Exception {
        check(
                150,
                p("LDR/STR unsigned offset", "xx 111 1 01 xx 0000000xxxxx bbbbb xxxxx"),
                p("LDUR/STUR", "xx 111 1 00 xx 0 xxxxxxxxx 00 bbbbb xxxxx"),
                p("LDR/STR post-index", "xx 111 1 00 xx 0 xxxxxxxxx 01 bbbbb xxxxx"),
                p("LDR/STR pre-index", "xx 111 1 00 xx 0 xxxxxxxxx 11 bbbbb xxxxx"),
                p("LDR/STR register offset", "xx 111 1 00 xx 1 ooooo xxx x 10 bbbbb xxxxx"),
                p("LDR literal", "xx 011 1 00 LLLLLLLLLLLLLLLLLLL xxxxx"),
                p("LDP/STP/LDNP/STNP", "xx 101 1 0xx x 000xxxx xxxxx bbbbb xxxxx"));
    }

    @Test
    void structureLoadsAndStoresMatchQemu() throws Exception {
        check(
                150,
                p("LD/ST multiple", "0x 0011000 x 000000 xxxx xx bbbbb xxxxx"),
                p("LD/ST multiple post-index", "0x 0011001 x 0 ooooo xxxx xx bbbbb xxxxx"),
                p("LD/ST multiple post-index imm", "0x 0011001 x 0 11111 xxxx xx bbbbb xxxxx"),
                p("LD/ST single", "0x 0011010 x x 00000 xxx x xx bbbbb xxxxx"),
                p("LD/ST single post-index", "0x 0011011 x x ooooo xxx x xx bbbbb xxxxx"),
                p("LD/ST single post-index imm", "0x 0011011 x x 11111 xxx x xx bbbbb xxxxx"));
    }

    @Test
    void integerVectorOperationsMatchQemu() throws Exception {
        String same = "0x x 01110 xx 1 xxxxx %s 1 xxxxx xxxxx";
        String misc = "0x x 01110 xx 10000 %s 10 xxxxx xxxxx";
        String shift = "0x x 01111 0 xxxx xxx %s 1 xxxxx xxxxx";
        check(
                80,
                p("three same integer", same.formatted("00xxx")),
                p("three same integer", same.formatted("01xx0")),
                p("three same integer", same.formatted("011x1")),
                p("three same integer", same.formatted("100xx")),
                p("three same integer", same.formatted("1010x")),
                p("three same integer", same.formatted("10111")),
                p("two-register misc integer", misc.formatted("00xxx")),
                p("two-register misc integer", misc.formatted("010xx")),
                p("two-register misc narrow", misc.formatted("1001x")),
                p("two-register misc narrow", misc.formatted("10100")),
                p("across lanes", "0x x 01110 xx 11000 xx01x 10 xxxxx xxxxx"),
                p("DUP element", "0x 0 01110000 xxxxx 0 0000 1 xxxxx xxxxx"),
                p("INS element", "01 1 01110000 xxxxx 0 xxxx 1 xxxxx xxxxx"),
                p("copy to general", "0x 0 01110000 xxxxx 0 x1x1 1 xxxxx rrrrr"),
                p("copy from general", "0x 0 01110000 xxxxx 0 00x1 1 rrrrr xxxxx"),
                p("modified immediate", "0x x 0111100000 xxx xxxx x 1 xxxxx xxxxx"),
                p("shift by immediate", shift.formatted("00xx0")),
                p("shift by immediate", shift.formatted("010x0")),
                p("shift by immediate", "0x 0 01111 0 xxxx xxx 1000x 1 xxxxx xxxxx"),
                p("shift by immediate", shift.formatted("10100")),
                p("permute", "0x 001110 xx 0 xxxxx 0 xxx 10 xxxxx xxxxx"),
                p("extract", "0x 101110 xx 0 xxxxx 0 xxxx 0 xxxxx xxxxx"),
                p("table", "0x 001110 xx 0 xxxxx 0 xx x 00 xxxxx xxxxx"),
                p("FMOV general", "x 0 0 11110 xx 1 xx 11x 000000 rrrrr xxxxx"));
    }

    @Test
    void scalarFloatingPointMatchesQemu() throws Exception {
        check(
                120,
                p("FP 1 source", "0 0 0 11110 0x 1 0000xx 10000 xxxxx xxxxx"),
                p("FCVT", "0 0 0 11110 xx 1 0001xx 10000 xxxxx xxxxx"),
                p("FRINT", "0 0 0 11110 0x 1 001xxx 10000 xxxxx xxxxx"),
                p("FP 2 source", "0 0 0 11110 0x 1 xxxxx 0xxx 10 xxxxx xxxxx"),
                p("FNMUL", "0 0 0 11110 0x 1 xxxxx 1000 10 xxxxx xxxxx"),
                p("FP 3 source", "0 0 0 11111 0x x xxxxx x xxxxx xxxxx xxxxx"),
                p("FCMP", "0 0 0 11110 0x 1 xxxxx 00 1000 xxxxx xx000"),
                p("FCCMP", "0 0 0 11110 0x 1 xxxxx xxxx 01 xxxxx xxxxx"),
                p("FCSEL", "0 0 0 11110 0x 1 xxxxx xxxx 11 xxxxx xxxxx"),
                p("FMOV immediate", "0 0 0 11110 0x 1 xxxxxxxx 100 00000 xxxxx"),
                p("FP to integer", "x 0 0 11110 0x 1 xx 00x 000000 xxxxx rrrrr"),
                p("FCVTA", "x 0 0 11110 0x 1 00 10x 000000 xxxxx rrrrr"),
                p("integer to FP", "x 0 0 11110 0x 1 00 01x 000000 rrrrr xxxxx"),
                p("fixed point to FP", "1 0 0 11110 0x 0 00 01x xxxxxx rrrrr xxxxx"),
                p("FP to fixed point", "1 0 0 11110 0x 0 11 00x xxxxxx xxxxx rrrrr"),
                p("fixed point to FP, W", "0 0 0 11110 0x 0 00 01x 1xxxxx rrrrr xxxxx"),
                p("FP to fixed point, W", "0 0 0 11110 0x 0 11 00x 1xxxxx xxxxx rrrrr"));
    }

    @Test
    void vectorFloatingPointMatchesQemu() throws Exception {
        String same = "0x %s 01110 %s x 1 xxxxx 11 %s 1 xxxxx xxxxx";
        String misc = "0x %s 01110 %s x 10000 %s 10 xxxxx xxxxx";
        check(
                60,
                p("FMAXNM FMLA FADD", same.formatted("0", "x", "00x")),
                p("FADD FSUB", same.formatted("0", "x", "010")),
                p("FCMEQ", same.formatted("0", "0", "100")),
                p("FMAX FMIN", same.formatted("0", "x", "110")),
                p("FMAXNMP FMINNMP FADDP FABD", same.formatted("1", "x", "0x0")),
                p("FMUL", same.formatted("1", "0", "011")),
                p("FCMGE FACGE FCMGT FACGT", same.formatted("1", "x", "10x")),
                p("FMAXP FMINP", same.formatted("1", "x", "110")),
                p("FDIV", same.formatted("1", "0", "111")),
                p("FRINT", misc.formatted("x", "x", "1100x")),
                p("FCVT to integer, SCVTF", misc.formatted("x", "0", "110xx")),
                p("FCVT to integer", misc.formatted("x", "1", "1101x")),
                p("FCMxx zero", misc.formatted("x", "1", "0110x")),
                p("FCMLT zero, FABS", misc.formatted("0", "1", "0111x")),
                p("FNEG", misc.formatted("1", "1", "01111")),
                p("FSQRT", misc.formatted("1", "1", "11111")),
                p("FCVTN FCVTL", misc.formatted("0", "0", "1011x")),
                p("FMAXV & co", "01 1 01110 x 0 11000 011x0 10 xxxxx xxxxx"),
                p("FMAXV & co", "01 1 01110 x 0 11000 01111 10 xxxxx xxxxx"));
    }

    @Test
    void scalarAdvancedSimdMatchesQemu() throws Exception {
        check(
                60,
                p("scalar three same", "01 x 11110 xx 1 xxxxx 00x01 1 xxxxx xxxxx"),
                p("scalar three same D", "01 x 11110 11 1 xxxxx 0011x 1 xxxxx xxxxx"),
                p("scalar three same D", "01 x 11110 11 1 xxxxx 010x0 1 xxxxx xxxxx"),
                p("scalar three same D", "01 x 11110 11 1 xxxxx 1000x 1 xxxxx xxxxx"),
                p("scalar FP compare, FABD", "01 1 11110 xx 1 xxxxx 11 10x 1 xxxxx xxxxx"),
                p("scalar FCMEQ", "01 0 11110 0x 1 xxxxx 11 100 1 xxxxx xxxxx"),
                p("scalar two-reg", "01 x 11110 xx 10000 0x011 10 xxxxx xxxxx"),
                p("scalar two-reg D", "01 x 11110 11 10000 010xx 10 xxxxx xxxxx"),
                p("scalar FP two-reg", "01 x 11110 0x 10000 11xxx 10 xxxxx xxxxx"),
                p("scalar FP two-reg", "01 x 11110 1x 10000 1101x 10 xxxxx xxxxx"),
                p("scalar FCM zero", "01 x 11110 1x 10000 011xx 10 xxxxx xxxxx"),
                p("scalar pairwise", "01 x 11110 xx 11000 xxxxx 10 xxxxx xxxxx"),
                p("scalar DUP", "01 0 11110000 xxxxx 0 0000 1 xxxxx xxxxx"),
                p("scalar shift", "01 x 111110 1xxx xxx 00xx0 1 xxxxx xxxxx"),
                p("scalar shift", "01 x 111110 1xxx xxx 010x0 1 xxxxx xxxxx"));
    }

    @Test
    void threeDifferentMatchesQemu() throws Exception {
        String diff = "0x %s 01110 xx 1 xxxxx %s 00 xxxxx xxxxx";
        check(
                60,
                p("long and wide", diff.formatted("x", "0xxx")),
                p("MLAL MLSL", diff.formatted("x", "10x0")),
                p("MULL", diff.formatted("x", "1100")),
                p("PMULL", "0x 0 01110 00 1 xxxxx 1110 00 xxxxx xxxxx"));
    }

    @Test
    void byElementMatchesQemu() throws Exception {
        String elem = "0x %s 01111 %s x x xxxx %s x 0 xxxxx xxxxx";
        check(
                60,
                p("MUL", elem.formatted("0", "xx", "1000")),
                p("MLA MLS", elem.formatted("1", "xx", "0x00")),
                p("xMULL xMLAL xMLSL", elem.formatted("x", "xx", "xx10")),
                p("FMLA FMLS", elem.formatted("0", "1x", "0x01")),
                p("FMUL", elem.formatted("0", "1x", "1001")));
    }

    @Test
    void fixedPointVectorConversionsMatchQemu() throws Exception {
        check(
                60,
                p("vector fixed point", "0x x 01111 0 1xxx xxx 11100 1 xxxxx xxxxx"),
                p("vector fixed point", "0x x 01111 0 01xx xxx 11111 1 xxxxx xxxxx"),
                p("vector fixed point", "0x x 01111 0 1xxx xxx 11111 1 xxxxx xxxxx"),
                p("vector fixed point", "0x x 01111 0 01xx xxx 11100 1 xxxxx xxxxx"),
                p("scalar fixed point", "01 x 111110 01xx xxx 111x0 1 xxxxx xxxxx"),
                p("scalar fixed point", "01 x 111110 1xxx xxx 11111 1 xxxxx xxxxx"));
    }

    @Test
    void saturatingShiftsAndDoublingMultipliesMatchQemu() throws Exception {
        check(
                80,
                p("SQSHL UQSHL SQRSHL UQRSHL", "0x x 01110 xx 1 xxxxx 010x1 1 xxxxx xxxxx"),
                p("SQDMULH SQRDMULH", "0x x 01110 xx 1 xxxxx 10110 1 xxxxx xxxxx"),
                p("scalar SQSHL & co", "01 x 11110 xx 1 xxxxx 010x1 1 xxxxx xxxxx"),
                p("scalar SQDMULH SQRDMULH", "01 x 11110 xx 1 xxxxx 10110 1 xxxxx xxxxx"),
                p("SQSHLU SQSHL UQSHL imm", "0x x 01111 0 xxxx xxx 011x0 1 xxxxx xxxxx"),
                p("scalar SQSHLU SQSHL UQSHL imm", "01 x 111110 xxxx xxx 011x0 1 xxxxx xxxxx"),
                p("saturating narrows", "0x x 01111 0 xxxx xxx 100xx 1 xxxxx xxxxx"),
                p("scalar saturating narrows", "01 x 111110 xxxx xxx 100xx 1 xxxxx xxxxx"),
                p("SQDMLAL SQDMLSL SQDMULL", "0x x 01110 xx 1 xxxxx 1xx1 00 xxxxx xxxxx"),
                p("scalar SQDMLAL & co", "01 x 11110 xx 1 xxxxx xxx1 00 xxxxx xxxxx"),
                p("scalar narrow", "01 x 11110 xx 10000 1xx1x 10 xxxxx xxxxx"),
                p("by element, saturating", "0x x 01111 xx x x xxxx xx11 x 0 xxxxx xxxxx"),
                p("by element, SQDMULH", "0x x 01111 xx x x xxxx 110x x 0 xxxxx xxxxx"),
                p("scalar by element", "01 x 11111 xx x x xxxx xxxx x 0 xxxxx xxxxx"));
    }

    @Test
    void estimatesStepsAndMulXMatchQemu() throws Exception {
        String same = "0x %s 01110 %s x 1 xxxxx 11 %s 1 xxxxx xxxxx";
        String misc = "0x %s 01110 %s x 10000 %s 10 xxxxx xxxxx";
        check(
                80,
                p("FMULX", same.formatted("0", "0", "011")),
                p("FRECPS FRSQRTS", same.formatted("0", "x", "111")),
                p("scalar FMULX FRECPS FRSQRTS", "01 0 11110 xx 1 xxxxx 11 x11 1 xxxxx xxxxx"),
                p("URECPE URSQRTE FRECPE FRSQRTE", misc.formatted("x", "1", "1110x")),
                p("scalar FRECPE FRSQRTE FRECPX", "01 x 11110 1x 10000 111xx 10 xxxxx xxxxx"),
                p("FCVTXN", misc.formatted("1", "0", "10110")),
                p("scalar FCVTXN", "01 1 11110 0x 10000 10110 10 xxxxx xxxxx"),
                p("by element FMULX", "0x 1 01111 xx x x xxxx 1001 x 0 xxxxx xxxxx"));
    }

    @Test
    void everyAdvancedSimdEncodingDecodesAsOnQemu() throws Exception {
        check(
                40,
                p("three same", "0x x 01110 xx 1 xxxxx xxxxx 1 xxxxx xxxxx"),
                p("three different", "0x x 01110 xx 1 xxxxx 0xxx 00 xxxxx xxxxx"),
                p("three different", "0x x 01110 xx 1 xxxxx 10xx 00 xxxxx xxxxx"),
                p("three different", "0x x 01110 xx 1 xxxxx 110x 00 xxxxx xxxxx"),
                p("three different", "0x x 01110 xx 1 xxxxx 1111 00 xxxxx xxxxx"),
                // opcode 1110, size 11 is PMULL of doublewords: crypto, which a Cortex-A57 has and we do not advertise
                p("three different", "0x x 01110 0x 1 xxxxx 1110 00 xxxxx xxxxx"),
                p("three different", "0x x 01110 10 1 xxxxx 1110 00 xxxxx xxxxx"),
                p("two-register misc", "0x x 01110 xx 10000 xxxxx 10 xxxxx xxxxx"),
                p("across lanes", "0x x 01110 xx 11000 xxxxx 10 xxxxx xxxxx"),
                p("shift by immediate", "0x x 011110 xxxx xxx xxxxx 1 xxxxx xxxxx"),
                p("by element", "0x x 01111 xx x x xxxx xxxx x 0 xxxxx xxxxx"),
                p("scalar three same", "01 x 11110 xx 1 xxxxx xxxxx 1 xxxxx xxxxx"),
                p("scalar two-register misc", "01 x 11110 xx 10000 xxxxx 10 xxxxx xxxxx"),
                p("scalar shift by immediate", "01 x 111110 xxxx xxx xxxxx 1 xxxxx xxxxx"),
                p("scalar copy", "01 x 11110000 xxxxx 0 xxxx 1 xxxxx xxxxx"),
                // r: a register the harness sets (X28-X30 are its own), for the forms that read a general one
                p("copy", "0x x 01110000 xxxxx 0 xxxx 1 rrrrr rrrrr"),
                p("scalar floating point", "x 0 x 11110 xx 1 xxxxx xxxxxx rrrrr rrrrr"),
                p("floating point and fixed point", "x 0 x 11110 xx 0 xxxxx xxxxxx rrrrr rrrrr"),
                p("floating point 3 source", "x 0 x 11111 xx x xxxxx x xxxxx xxxxx xxxxx"));
    }
}
