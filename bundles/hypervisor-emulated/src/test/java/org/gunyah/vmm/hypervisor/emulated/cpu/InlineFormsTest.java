package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every form translated code does inline, against the interpreter: random encodings of the form's
 * class (valid or not) in a loop with random registers, SP and NZCV, each run once translated at
 * the first head and once interpreted, and everything the guest sees must be equal.
 */
class InlineFormsTest {
    private static final long BASE = 0x8000_0000L;
    private static final int RAM = 0x10000;
    private static final int HVC = 0xd4000002;
    private static final int MOVZ_X0_1 = 0xd2800020;
    // CBNZ XZR back to the first instruction: never taken, but it makes the region a loop, whose
    // registers live in locals.
    private static final int CBNZ_XZR_BACK = 0xb5ffffdf;
    private static final int RUNS = 400;

    /** An encoding class: the bits {@code mask} fixed to {@code value}, the others random. */
    enum Form {
        ADD_SUB_IMMEDIATE(0x1f800000, 0x11000000),
        LOGICAL_IMMEDIATE(0x1f800000, 0x12000000),
        MOVE_WIDE(0x1f800000, 0x12800000),
        BITFIELD(0x1f800000, 0x13000000),
        ADR_ADRP(0x1f000000, 0x10000000),
        LOGICAL_SHIFTED(0x1f000000, 0x0a000000),
        ADD_SUB_SHIFTED(0x1f200000, 0x0b000000),
        ADD_SUB_EXTENDED(0x1f200000, 0x0b200000),
        ADD_SUB_CARRY(0x1fe0fc00, 0x1a000000),
        CONDITIONAL_COMPARE(0x1fe00000, 0x1a400000),
        CONDITIONAL_SELECT(0x1fe00000, 0x1a800000),
        MULTIPLY(0x1f000000, 0x1b000000),
        LOAD_STORE_UNSIGNED_OFFSET(0x3f000000, 0x39000000),
        LOAD_STORE_UNSCALED_AND_INDEXED(0x3f200000, 0x38000000),
        LOAD_STORE_REGISTER_OFFSET(0x3f200c00, 0x38200800),
        LOAD_STORE_PAIR(0x3c000000, 0x28000000),
        // Branches to +8, past a MOVZ X0, #1.
        B_COND(0xfffffff0, 0x54000040),
        CBZ_CBNZ(0x7effffe0, 0x34000040),
        TBZ_TBNZ(0x7ef8ffe0, 0x36000040);

        final int mask;
        final int value;

        Form(int mask, int value) {
            this.mask = mask;
            this.value = value;
        }

        boolean accessesMemory() {
            return name().startsWith("LOAD_STORE");
        }
    }

    record Outcome(long[] x, long sp, int nzcv, long pc, long instructions, Exit exit, byte[] ram, int translations) {}

    /** What a vCPU that starts as {@code start} says, having run {@code code} to its HVC. */
    static Outcome run(int[] code, long[] start, long sp, int nzcv, boolean translate) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM, 4096);
            for (int k = 0; k < code.length; k++) {
                ram.set(ValueLayout.JAVA_INT_UNALIGNED, 4L * k, code[k]);
            }
            for (int k = 0x8000; k < RAM; k++) {
                ram.set(ValueLayout.JAVA_BYTE, k, (byte) (k * 131 + 7));
            }
            GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(BASE, ram)));
            A64Cpu cpu = new A64Cpu(0, memory, InterruptInterface.NONE);
            cpu.setTranslation(translate ? 0 : -1);
            cpu.setPc(BASE);
            for (int r = 0; r < 31; r++) {
                cpu.setX(r, start[r]);
            }
            cpu.spEl1 = sp;
            cpu.setNzcv(nzcv);
            Exit e = cpu.run(100);
            long[] x = new long[31];
            for (int r = 0; r < 31; r++) {
                x[r] = cpu.x(r);
            }
            return new Outcome(
                    x,
                    cpu.sp(),
                    cpu.nzcv(),
                    cpu.pc(),
                    cpu.instructions(),
                    e,
                    ram.toArray(ValueLayout.JAVA_BYTE),
                    memory.code().size());
        }
    }

    /** A register value worth trying: the edges of the arithmetic, or anything. */
    private static long value(SplittableRandom random) {
        return switch (random.nextInt(8)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> Long.MIN_VALUE >>> random.nextInt(2) * 32;
            case 3 -> 0x7fff_ffffL << random.nextInt(2) * 32 | random.nextInt(2) * 0xffff_ffffL;
            case 4 -> random.nextInt(64);
            default -> random.nextLong();
        };
    }

    @ParameterizedTest
    @EnumSource(Form.class)
    void everyInlineFormDoesWhatTheInterpreterDoes(Form form) {
        SplittableRandom random = new SplittableRandom(form.ordinal() * 7919L + 1);
        for (int run = 0; run < RUNS; run++) {
            int word = form.value | random.nextInt() & ~form.mask;
            long[] x = new long[31];
            for (int r = 0; r < 31; r++) {
                x[r] = value(random);
            }
            long sp = BASE + 0x9000 + (random.nextInt(0x100) << 4) + (random.nextInt(8) == 0 ? 8 : 0);
            if (form.accessesMemory()) {
                // The base in RAM, mostly, and the offset register small, mostly: the fast path
                // and the interpreter's (MMIO, another region) both.
                int rn = (word >>> 5) & 0x1f;
                if (rn != 31 && random.nextInt(8) != 0) {
                    x[rn] = BASE + 0x9000 + random.nextInt(0x2000);
                }
                int rm = (word >>> 16) & 0x1f;
                if (rm != 31 && rm != rn && random.nextInt(4) != 0) {
                    x[rm] = random.nextInt(0x200) - 0x100;
                }
            }
            int[] code = {word, MOVZ_X0_1, CBNZ_XZR_BACK, HVC};
            int nzcv = random.nextInt(16);
            Outcome interpreted = run(code, x, sp, nzcv, false);
            Outcome translated = run(code, x, sp, nzcv, true);
            String what = String.format("%s %08x", form, word);
            assertArrayEquals(interpreted.x(), translated.x(), what + ": X0-X30");
            assertEquals(interpreted.sp(), translated.sp(), what + ": SP");
            assertEquals(interpreted.nzcv(), translated.nzcv(), what + ": NZCV");
            assertEquals(interpreted.pc(), translated.pc(), what + ": PC");
            assertEquals(interpreted.instructions(), translated.instructions(), what + ": instructions");
            assertEquals(interpreted.exit(), translated.exit(), what + ": exit");
            assertArrayEquals(interpreted.ram(), translated.ram(), what + ": RAM");
            assertTrue(translated.translations() > 0, what + ": translated");
        }
    }
}
