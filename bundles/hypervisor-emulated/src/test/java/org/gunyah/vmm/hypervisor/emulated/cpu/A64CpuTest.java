package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The interpreter, one behaviour per test, on programs assembled from source. */
class A64CpuTest {
    static final String STOP = "\n        hvc #0\n";

    @Test
    void addsAndSubsSetCarryAndOverflowAsArchitected() {
        var r = Machine.run("""
            mov x0, #-1
            adds x1, x0, #1          // carry out, no overflow, zero
            cset x2, cs
            cset x3, eq
            mov x4, #0x7fffffffffffffff
            adds x5, x4, #1          // signed overflow
            cset x6, vs
            cset x7, mi
            mov w8, #0
            subs w9, w8, #1          // borrow: carry clear, negative
            cset x10, cc
            cset x11, lt
            """ + STOP);
        assertInstanceOf(Exit.Hypercall.class, r.exit());
        assertEquals(0, r.x(1));
        assertEquals(
                List.of(1L, 1L, 1L, 1L, 0xffffffffL, 1L, 1L),
                List.of(r.x(2), r.x(3), r.x(6), r.x(7), r.x(9), r.x(10), r.x(11)));
    }

    @Test
    void everyConditionCodeFollowsTheFlags() {
        // After cmp 1, 2: N=1 Z=0 C=0 V=0.
        var r = Machine.run("""
            mov x0, #1
            cmp x0, #2
            cset x1, eq
            cset x2, ne
            cset x3, hs
            cset x4, lo
            cset x5, mi
            cset x6, pl
            cset x7, vs
            cset x8, vc
            cset x9, hi
            cset x10, ls
            cset x11, ge
            cset x12, lt
            cset x13, gt
            cset x14, le
            """ + STOP);
        long[] expected = {0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], r.x(i + 1), "condition register x" + (i + 1));
        }
    }

    @Test
    void logicalImmediatesShiftsAndBitfieldsCompute() {
        var r = Machine.run("""
            mov x0, #0x5555555555555555
            and x1, x0, #0xff
            orr w2, wzr, #0x80000000
            eor x3, x0, #0xaaaaaaaaaaaaaaaa
            mov x4, #0xf0
            lsl x5, x4, #4
            lsr x6, x4, #4
            mov x7, #-16
            asr x8, x7, #2
            ubfx x9, x0, #1, #4
            sxtb x10, w4
            mov x11, #1
            ror x12, x11, #1
            bfi x13, x11, #8, #1
            mov x14, #3
            lsl x15, x11, x14
            """ + STOP);
        assertEquals(0x55, r.x(1));
        assertEquals(0x80000000L, r.x(2));
        assertEquals(-1L, r.x(3));
        assertEquals(0xf00, r.x(5));
        assertEquals(0xf, r.x(6));
        assertEquals(-4, r.x(8));
        assertEquals(0xa, r.x(9));
        assertEquals(-16, r.x(10));
        assertEquals(Long.MIN_VALUE, r.x(12));
        assertEquals(0x100, r.x(13));
        assertEquals(8, r.x(15));
    }

    @Test
    void multiplyAndDivideIncludingDivisionByZero() {
        var r = Machine.run("""
            mov x0, #7
            mov x1, #-3
            mul x2, x0, x1
            sdiv x3, x2, x0
            udiv x4, x0, xzr
            sdiv x5, x0, xzr
            madd x6, x0, x0, x0
            msub x7, x0, x0, x0
            umulh x8, x1, x1
            """ + STOP);
        assertEquals(-21, r.x(2));
        assertEquals(-3, r.x(3));
        assertEquals(0, r.x(4));
        assertEquals(0, r.x(5));
        assertEquals(56, r.x(6));
        assertEquals(-42, r.x(7));
        assertEquals(Math.unsignedMultiplyHigh(-3L, -3L), r.x(8));
    }

    @Test
    void aLoopComputesFibonacci() {
        var r = Machine.run("""
                    mov x0, #0
                    mov x1, #1
                    mov x2, #50
            1:      add x3, x0, x1
                    mov x0, x1
                    mov x1, x3
                    subs x2, x2, #1
                    b.ne 1b
            """ + STOP);
        assertEquals(12586269025L, r.x(0));
    }

    @Test
    void loadsAndStoresOfEveryWidthAndAddressingMode() {
        var r = Machine.run("""
                    adr x0, buf
                    mov x1, #0x80
                    strb w1, [x0]
                    ldrb w2, [x0]
                    ldrsb x3, [x0]
                    ldrsb w4, [x0]
                    mov x5, #0x8000
                    strh w5, [x0, #2]
                    ldrsh x6, [x0, #2]
                    mov x7, #-2
                    str w7, [x0, #4]
                    ldrsw x8, [x0, #4]
                    ldr w9, [x0, #4]
                    str x7, [x0, #8]!
                    ldr x10, [x0], #-8
                    mov x11, #1
                    ldr x12, [x0, x11, lsl #3]
                    ldur x13, [x0, #9]
                    stp x11, x7, [x0, #16]
                    ldp x14, x15, [x0, #16]
                    ldr x16, lit
            """ + STOP + """
                    .balign 8
            lit:    .quad 0x1122334455667788
            buf:    .space 64
            """);
        assertEquals(0x80, r.x(2));
        assertEquals(-128, r.x(3));
        assertEquals(0xffffff80L, r.x(4));
        assertEquals(-32768, r.x(6));
        assertEquals(-2, r.x(8));
        assertEquals(0xfffffffeL, r.x(9));
        assertEquals(-2, r.x(10));
        assertEquals(r.machine().symbol("buf"), r.x(0), "post-index moved the base back");
        assertEquals(-2, r.x(12));
        assertEquals(0xffffffffffffffL, r.x(13));
        assertEquals(1, r.x(14));
        assertEquals(-2, r.x(15));
        assertEquals(0x1122334455667788L, r.x(16));
    }

    @Test
    void branchAndLinkNestsAndReturns() {
        var r = Machine.run("""
                    adr x1, stack_top
                    mov sp, x1
                    mov x0, #0
                    bl f
                    add x0, x0, #100
                    hvc #0
            f:      stp x29, x30, [sp, #-16]!
                    bl g
                    ldp x29, x30, [sp], #16
                    add x0, x0, #10
                    ret
            g:      add x0, x0, #1
                    ret
                    .space 256
            stack_top:
            """);
        assertInstanceOf(Exit.Hypercall.class, r.exit(), () -> r.exit().toString());
        assertEquals(111, r.x(0));
    }

    @Test
    void aLoadFromOutsideRamExitsAndCompletesWithSignExtensionAndWriteback() {
        Machine m = new Machine("""
            ldr x1, =0x09000000
            ldrsb x2, [x1], #1
            """ + STOP);
        A64Cpu cpu = m.cpu(0);
        assertEquals(new Exit.MmioRead(0x0900_0000L, 1), cpu.run(100));
        assertThrows(IllegalStateException.class, () -> cpu.run(1), "the read must be completed first");
        cpu.completeMmioRead(0x1f0);
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100));
        assertEquals(-16, cpu.x(2));
        assertEquals(0x0900_0001L, cpu.x(1));
    }

    @Test
    void aStoreToOutsideRamExitsWithItsValueAndSize() {
        var r = Machine.run("""
            ldr x1, =0x09000000
            mov x2, #0x1234
            strh w2, [x1, #6]
            """);
        assertEquals(new Exit.MmioWrite(0x0900_0006L, 2, 0x1234), r.exit());
    }

    @Test
    void hvcExitsWithItsImmediateAndTheRegistersAndResumesAfterIt() {
        Machine m = new Machine("""
            mov x0, #42
            hvc #7
            add x0, x0, #1
            hvc #8
            """);
        A64Cpu cpu = m.cpu(0);
        assertEquals(new Exit.Hypercall(7), cpu.run(100));
        assertEquals(42, cpu.x(0));
        cpu.setX(0, 100);
        assertEquals(new Exit.Hypercall(8), cpu.run(100));
        assertEquals(101, cpu.x(0));
    }

    @Test
    void wfiWaitsOnlyWhenNoInterruptIsPending() {
        Machine m = new Machine("""
            wfi
            hvc #1
            """);
        A64Cpu cpu = m.cpu(0);
        assertSame(Exit.WFI, cpu.run(100));
        cpu.setInterruptPending(true);
        A64Cpu other = m.cpu(1);
        other.setInterruptPending(true);
        assertEquals(new Exit.Hypercall(1), other.run(100), "pending (even masked): WFI is a no-op");
    }

    static final String IRQ_GUEST = """
                adr x1, vectors
                msr vbar_el1, x1
                adr x1, stack_top
                mov sp, x1
                mov x5, #0
                msr daifclr, #2
        1:      cbz x5, 1b
                hvc #0
        handler:
                mrs x6, icc_iar1_el1
                mrs x7, elr_el1
                mrs x8, spsr_el1
                mrs x9, daif
                add x5, x5, #1
                msr icc_eoir1_el1, x6
                eret
                .balign 2048
        vectors:
                .space 0x280
                b handler
                .space 0x200
                .space 256
        stack_top:
        """;

    @Test
    void anIrqIsTakenThroughVbarAndEretReturnsToTheInterruptedCode() {
        Machine m = new Machine(IRQ_GUEST);
        A64Cpu cpu = m.cpu(0);
        assertSame(Exit.BUDGET, cpu.run(50), "spins waiting for the interrupt");
        m.nextIntid = 40;
        cpu.setInterruptPending(true);
        cpu.run(1);
        assertEquals(m.symbol("handler"), cpu.pc(), "took the IRQ vector, whose branch went to the handler");
        cpu.setInterruptPending(false);
        assertEquals(new Exit.Hypercall(0), cpu.run(100));
        assertEquals(40, cpu.x(6));
        assertEquals(List.of(40L), m.eois);
        assertTrue(cpu.x(7) >= m.program.baseAddress() && cpu.x(7) < m.symbol("handler"), "ELR points into the loop");
        assertEquals(0b0101, cpu.x(8) & 0xf, "SPSR says EL1h");
        assertEquals(0, cpu.x(8) & A64Cpu.DAIF_I, "SPSR kept I clear");
        assertEquals(A64Cpu.DAIF_ALL, cpu.x(9), "the handler runs with everything masked");
        assertEquals(0, cpu.daif() & A64Cpu.DAIF_I, "ERET restored the mask");
    }

    @Test
    void aMaskedInterruptIsNotTaken() {
        var r = Machine.run("""
            msr daifset, #2
            hvc #3
            """);
        r.cpu().setInterruptPending(true);
        assertEquals(new Exit.Hypercall(3), r.exit());
    }

    @Test
    void mpidrGivesTheVcpuIndex() {
        Machine m = new Machine("mrs x0, mpidr_el1\nand x0, x0, #0xff\nhvc #0\n");
        A64Cpu cpu = m.cpu(3);
        cpu.run(10);
        assertEquals(3, cpu.x(0));
    }

    @Test
    void ldaddIsAtomicAcrossVcpuThreads() throws Exception {
        Machine m = new Machine("""
                    adr x1, counter
                    mov x2, #1
                    mov x3, #50000
            1:      ldadd x2, x4, [x1]
                    subs x3, x3, #1
                    b.ne 1b
                    hvc #0
                    .balign 8
            counter: .quad 0
            """);
        Thread[] threads = new Thread[2];
        for (int i = 0; i < threads.length; i++) {
            A64Cpu cpu = m.cpu(i);
            threads[i] = Thread.ofPlatform().start(() -> {
                Exit e;
                do {
                    e = cpu.run(10_000);
                } while (e == Exit.BUDGET);
            });
        }
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertEquals(100_000, m.load64(m.symbol("counter")));
    }

    @Test
    void anUndefinedInstructionCrashesAndTheCrashIsFinal() {
        var r = Machine.run("nop\n.word 0\n");
        Exit.Crash crash = assertInstanceOf(Exit.Crash.class, r.exit());
        assertEquals(Machine.BASE + 4, crash.pc());
        assertSame(crash, r.cpu().run(10));
    }

    @Test
    void fetchingOutsideRamCrashes() {
        var r = Machine.run("ldr x0, =0x100000\nbr x0\n");
        String reason = assertInstanceOf(Exit.Crash.class, r.exit()).reason();
        assertTrue(reason.startsWith("instruction fetch outside RAM (ESR 0x86000010, FAR 0x100000)"), reason);
    }

    @Test
    void theBudgetStopsARunAndTheNextRunGoesOn() {
        Machine m = new Machine("1: add x0, x0, #1\nb 1b\n");
        A64Cpu cpu = m.cpu(0);
        assertSame(Exit.BUDGET, cpu.run(10));
        assertEquals(5, cpu.x(0));
        cpu.run(10);
        assertEquals(10, cpu.x(0));
    }

    @Test
    void randomCodeNeverThrows() {
        for (long seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            Machine m = new Machine(".space 4096\n");
            for (int i = 0; i < 1024; i++) {
                m.ram.set(GuestMemory.U32, 4L * i, random.nextInt());
            }
            A64Cpu cpu = m.cpu(0);
            for (int step = 0; step < 20; step++) {
                Exit e = cpu.run(500);
                if (e instanceof Exit.MmioRead) {
                    cpu.completeMmioRead(random.nextLong());
                } else if (e instanceof Exit.Crash) {
                    break;
                }
            }
        }
    }
}
