package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * The translator against the interpreter: each program runs on a vCPU that translates every head
 * at once and on one that only interprets, and everything the guest can see must be equal.
 */
class TranslationTest {
    static final String STOP = "\n        hvc #0\n";

    /** What one run left: registers, flags, PC, the count, the exit and all of RAM. */
    record Outcome(long[] x, long sp, int nzcv, long pc, long instructions, Exit exit, byte[] ram, int translations) {}

    static Outcome run(String source, boolean translate) {
        Machine m = new Machine(source);
        A64Cpu cpu = m.cpu(0);
        cpu.setTranslation(translate ? 0 : -1);
        Exit e = cpu.run(1_000_000);
        long[] x = new long[31];
        for (int i = 0; i < 31; i++) {
            x[i] = cpu.x(i);
        }
        return new Outcome(
                x,
                cpu.sp(),
                cpu.nzcv(),
                cpu.pc(),
                cpu.instructions(),
                e,
                m.ram.toArray(ValueLayout.JAVA_BYTE),
                m.memory.code().size());
    }

    /** Runs {@code source} both ways; asserts they agree and that translated code ran; returns the translated run. */
    static Outcome same(String source) {
        Outcome interpreted = run(source, false);
        Outcome translated = run(source, true);
        assertArrayEquals(interpreted.x(), translated.x(), "X0-X30");
        assertEquals(interpreted.sp(), translated.sp(), "SP");
        assertEquals(interpreted.nzcv(), translated.nzcv(), "NZCV");
        assertEquals(interpreted.pc(), translated.pc(), "PC");
        assertEquals(interpreted.instructions(), translated.instructions(), "instructions");
        assertEquals(interpreted.exit(), translated.exit(), "exit");
        assertArrayEquals(interpreted.ram(), translated.ram(), "RAM");
        assertTrue(translated.translations() > 0, "some code was translated");
        return translated;
    }

    @Test
    void aCountedLoopComputesWhatTheInterpreterComputes() {
        Outcome o = same("""
                mov x0, #0
                mov x1, #1000
            loop:
                add x0, x0, x1
                subs x1, x1, #1
                b.ne loop
            """ + STOP);
        assertEquals(500500, o.x()[0]);
    }
}
