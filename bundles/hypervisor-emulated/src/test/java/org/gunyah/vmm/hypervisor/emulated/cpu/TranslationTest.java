package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import org.gunyah.vmm.hypervisor.emulated.translate.Region;
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
        assertInstanceOf(Exit.Hypercall.class, interpreted.exit(), "the program ran to its end");
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

    @Test
    void dataProcessingOfEveryClassAgrees() {
        same("""
                mov x0, #0x1234
                movk x0, #0x5678, lsl #16
                movn x1, #7
                mov x2, #40
            loop:
                add x3, x0, x2, lsl #3
                sub w4, w3, w1, asr #2
                adds x5, x3, #0xfff
                subs w6, w4, #1, lsl #12
                and x7, x0, #0xff00ff00ff00ff00
                orr w8, w7, #0x3f
                eor x9, x5, x6, ror #13
                ands x10, x9, x3
                bic x11, x10, x4
                orn w12, w11, w9
                ubfx x13, x9, #5, #17
                sbfiz w14, w6, #3, #9
                bfi x15, x3, #20, #11
                madd x17, x3, x9, x16
                msub w18, w4, w6, w12
                umulh x19, x9, x3
                smulh x20, x9, x5
                mul x21, x4, x6
                sdiv x22, x9, x2
                udiv w23, w9, w2
                lsl x24, x9, x2
                clz x25, x13
                rev x26, x9
                rbit w27, w9
                .word 0xba03013c         // adcs x28, x9, x3
                .word 0x5a04013d         // sbc w29, w9, w4
                .word 0x93c95c70         // extr x16, x3, x9, #23
                .word 0x9ba60c95         // umaddl x21, w4, w6, x3
                cmp x9, x3
                csel x0, x9, x3, hi
                csinc x1, x1, x2, ge
                ccmp x5, #3, #4, ne
                cneg x30, x26, lt
                sub x2, x2, #1
                cbnz x2, loop
            """ + STOP);
    }

    @Test
    void loadsAndStoresOfEverySizeAndIndexFormAgree() {
        same("""
                adr x0, buf
                ldr x1, =0x8899030405060708
                mov x2, #16
            loop:
                str x1, [x0], #8
                strb w1, [x0, #3]
                strh w1, [x0, #6]!
                str w1, [x0, x2]
                stur x1, [x0, #-5]
                stp x1, x2, [x0, #16]
                stp w2, w1, [x0, #-32]!
                ldp x3, x4, [x0, #32]
                ldrsb x5, [x0, #3]
                ldrsh w6, [x0, #6]
                ldrsw x7, [x0, x2, lsl #2]
                ldr x8, [x0], #-8
                ldrb w9, [x0, #9]!
                ldur w10, [x0, #-3]
                ldpsw x11, x12, [x0, #8]
                add x0, x0, #41
                eor x1, x1, x8, ror #7
                subs x2, x2, #1
                b.ne loop
                ldr x13, lit
                ldr w14, lit
                b done
            lit: .quad 0x1122334455667788
            done:
            """ + STOP + """
                .ltorg
                .balign 4096
            buf: .space 4096
            """);
    }

    @Test
    void branchesCallsAndReturnsAgree() {
        same("""
                mov x0, #0
                mov x1, #200
                adr x5, twice
            loop:
                bl inc
                blr x5
                tbz x1, #0, even
                add x0, x0, #100
            even:
                tbnz x0, #40, never
                cbz x1, never
                sub x1, x1, #1
                cmp x1, #0
                b.gt loop
                b out
            never:
                mov x0, #-1
            out:
            """ + STOP + """
            inc:
                add x0, x0, #1
                ret
            twice:
                mov x4, x30
                bl inc
                bl inc
                br x4
            """);
    }

    @Test
    void theInstructionCountAndTheBudgetStayExact() {
        String source = """
                mov x0, #0
            loop:
                add x0, x0, #1
                b loop
            """;
        for (boolean translate : new boolean[] {false, true}) {
            Machine m = new Machine(source);
            A64Cpu cpu = m.cpu(0);
            cpu.setTranslation(translate ? 0 : -1);
            for (long budget : new long[] {1, 2, 3, 1000, 7, 100_001}) {
                long before = cpu.instructions();
                assertInstanceOf(Exit.Budget.class, cpu.run(budget));
                assertEquals(budget, cpu.instructions() - before, "instructions run for a budget of " + budget);
            }
            assertEquals(cpu.instructions() / 2, cpu.x(0), "every instruction ran once");
        }
    }

    @Test
    void codeTheGuestOverwritesRunsInItsNewForm() {
        // Each pass stores the next "add x0, x0, #k" over the instruction at patch: a store to a
        // page with translated code drops its translations.
        Outcome o = same("""
                mov x0, #0
                mov x1, #1
                adr x2, patch
                ldr w3, insn
            loop:
            patch:
                add x0, x0, #0
                add w4, w3, w1, lsl #10
                str w4, [x2]
                add x1, x1, #1
                cmp x1, #50
                b.ne loop
            """ + STOP + """
            insn:
                add x0, x0, #0
            """);
        assertEquals(48 * 49 / 2, o.x()[0]);
    }

    @Test
    void aLoopThatRunsLongIsTranslatedAgainWithItsRegistersInLocals() {
        String source = """
                mov x0, #0
                mov x1, #30000
            loop:
                add x0, x0, x1
                eor x2, x0, x1, lsl #3
                subs x1, x1, #1
                b.ne loop
            """ + STOP;
        Outcome interpreted = run(source, false);
        Machine m = new Machine(source);
        A64Cpu cpu = m.cpu(0);
        cpu.setTranslation(1, 10_000);
        Exit e = Exit.BUDGET;
        // In slices, so that the region is entered again once it has run enough.
        for (int slice = 0; slice < 1000 && e == Exit.BUDGET; slice++) {
            e = cpu.run(1000);
        }
        assertEquals(interpreted.exit(), e, "exit");
        for (int r = 0; r < 31; r++) {
            assertEquals(interpreted.x()[r], cpu.x(r), "X" + r);
        }
        assertEquals(interpreted.nzcv(), cpu.nzcv(), "NZCV");
        assertEquals(interpreted.instructions(), cpu.instructions(), "instructions");
        long loop = m.symbol("loop");
        assertTrue(m.memory.code().find(loop, loop).inline(), "the loop runs with its registers in locals");
    }

    @Test
    void codeWrittenFromOutsideRunsAfterIcIvau() {
        // The host writes the code (as a device's DMA would); the guest's IC IVAU makes it seen.
        for (boolean translate : new boolean[] {false, true}) {
            Machine m = new Machine("""
                    bl fn
                    mov x6, x0
                    hvc #0
                    adr x1, fn
                    .word 0xd50b7521
                    dsb ish
                    isb
                    bl fn
                    mov x7, x0
                    hvc #0
                fn:
                    mov x0, #1
                    ret
                """);
            A64Cpu cpu = m.cpu(0);
            cpu.setTranslation(translate ? 0 : -1);
            assertInstanceOf(Exit.Hypercall.class, cpu.run(1000));
            m.ram.set(GuestMemory.U32, m.symbol("fn") - Machine.BASE, 0xd2800040); // mov x0, #2
            assertInstanceOf(Exit.Hypercall.class, cpu.run(1000));
            assertEquals(1, cpu.x(6), "before");
            assertEquals(2, cpu.x(7), "after IC IVAU, translating " + translate);
        }
    }

    @Test
    void storesToDataBesideTranslatedCodeKeepItTranslated() {
        Machine m = new Machine("""
                adr x0, buf
                mov x1, #0
            loop:
                str x1, [x0, x1, lsl #3]
                add x1, x1, #1
                cmp x1, #64
                b.ne loop
                hvc #0
            buf: .space 512
            """);
        A64Cpu cpu = m.cpu(0);
        cpu.setTranslation(0);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(10_000));
        assertEquals(63, m.load64(m.symbol("buf") + 63 * 8));
        assertTrue(m.memory.code().size() > 0, "the loop's translation survives its stores beside it");
    }

    /** Runs to the exit HVC answering MMIO reads with address + 1000 × n; returns what it saw. */
    static String mmioTranscript(int threshold) {
        Machine m = new Machine("""
                ldr x1, =0x09000000
                mov x2, #0
                mov x4, #0
            loop:
                strb w2, [x1]
                ldr w3, [x1, #4]
                add x4, x4, x3
                add x2, x2, #1
                cmp x2, #20
                b.ne loop
                hvc #0
                .ltorg
            """);
        A64Cpu cpu = m.cpu(0);
        cpu.setTranslation(threshold);
        StringBuilder seen = new StringBuilder();
        for (int n = 0; n < 100; n++) {
            Exit e = cpu.run(1000);
            seen.append(e).append(" at ").append(Long.toHexString(cpu.pc())).append('\n');
            switch (e) {
                case Exit.MmioRead r -> cpu.completeMmioRead(r.address() + 1000L * n);
                case Exit.Hypercall h -> {
                    return seen.append("x4=")
                            .append(cpu.x(4))
                            .append(" count=")
                            .append(cpu.instructions())
                            .toString();
                }
                default -> {}
            }
        }
        return seen.append("no end").toString();
    }

    @Test
    void mmioAccessesInsideARegionExitAndResumeAsInTheInterpreter() {
        String interpreted = mmioTranscript(-1);
        assertTrue(interpreted.contains("x4="), interpreted);
        assertEquals(interpreted, mmioTranscript(0));
    }

    @Test
    void aDroppedTranslationIsNoLongerHeldOnceTheVcpuRunsOn() {
        Machine m = new Machine("""
                mov x0, #0
            loop:
                add x0, x0, #1
                b loop
            """);
        A64Cpu cpu = m.cpu(0);
        cpu.setTranslation(0);
        assertInstanceOf(Exit.Budget.class, cpu.run(1000));
        long loop = m.symbol("loop");
        WeakReference<Region> dropped = new WeakReference<>(m.memory.code().find(loop, loop));
        assertNotNull(dropped.get(), "the loop was translated");

        m.memory.code().invalidateAll(); // as IC IALLU does
        assertInstanceOf(Exit.Budget.class, cpu.run(1000));

        assertNotNull(m.memory.code().find(loop, loop), "translated again");
        for (int i = 0; i < 10 && dropped.get() != null; i++) {
            System.gc(); // a full collection clears what only weak references reach
        }
        assertNull(dropped.get(), "the dropped region is unreachable (its class unloadable)");
    }
}
