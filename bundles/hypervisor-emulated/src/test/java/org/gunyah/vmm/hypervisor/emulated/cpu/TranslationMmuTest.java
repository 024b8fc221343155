package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.BASE;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.DATA;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.NORMAL;
import static org.gunyah.vmm.hypervisor.emulated.cpu.MmuMachine.ROOT0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The translator with stage-1 translation on: faults inside translated code, remapped code,
 * interrupts taken in a translated loop. Each test runs on a vCPU that translates every head at
 * once and on one that only interprets, and compares what the guest sees.
 */
class TranslationMmuTest {
    static final long V = BASE + 0x10_0000;

    /** The state an exception handler sees, and the count. */
    static List<Long> visible(A64Cpu cpu) {
        List<Long> state = new ArrayList<>();
        for (int i = 0; i < 31; i++) {
            state.add(cpu.x(i));
        }
        state.addAll(List.of(
                cpu.sp(),
                (long) cpu.nzcv(),
                cpu.pc(),
                cpu.esr(),
                cpu.far(),
                cpu.elr(),
                cpu.spsr(),
                cpu.instructions()));
        return state;
    }

    @Test
    void aDataAbortInsideATranslatedLoopLeavesWhatTheInterpreterLeaves() {
        // The loop reads on until its pointer leaves the mapped page: the abort comes at the
        // 513th load, with the base register and the sum as they were before it.
        List<List<Long>> outcomes = new ArrayList<>();
        for (int threshold : new int[] {-1, 0}) {
            var m = new MmuMachine("""
                    ldr x2, =%d
                    mov x1, #0
                    mov x4, #0
                loop:
                    ldr x3, [x2], #8
                    add x1, x1, x3
                    adds x4, x4, #1
                    b loop
                """.formatted(V));
            m.map(ROOT0, V, DATA, NORMAL);
            for (int i = 0; i < 512; i++) {
                m.write(DATA + 8L * i, i * 3L);
            }
            A64Cpu cpu = m.cpu();
            cpu.setTranslation(threshold);
            assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
            assertEquals(0x200, cpu.x(20), "the synchronous exception vector of EL1");
            outcomes.add(visible(cpu));
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
        assertEquals(V + 0x1000, outcomes.get(1).get(2), "the base, not written back");
    }

    @Test
    void aVirtualPageMappedToOtherCodeAfterTlbiRunsTheOtherCode() {
        // V holds "mov x0, #1; ret" in one physical page and "mov x0, #2; ret" in another; the
        // host remaps V between the guest's two calls and the guest invalidates its TLB.
        for (int threshold : new int[] {-1, 0}) {
            var m = new MmuMachine("""
                    ldr x3, =%d
                    blr x3
                    mov x6, x0
                    hvc #0
                    .word 0xd508871f
                    dsb ish
                    isb
                    blr x3
                    mov x7, x0
                """.formatted(V));
            long first = DATA;
            long second = DATA + 0x1000;
            m.write(first, 0xd65f03c0_d2800020L); // mov x0, #1; ret
            m.write(second, 0xd65f03c0_d2800040L); // mov x0, #2; ret
            long descriptor = m.map(ROOT0, V, first, NORMAL);
            A64Cpu cpu = m.cpu();
            cpu.setTranslation(threshold);
            assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
            m.write(descriptor, second | NORMAL | 0b11);
            assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
            assertEquals(1, cpu.x(6), "before the remap, threshold " + threshold);
            assertEquals(2, cpu.x(7), "after it, threshold " + threshold);
            if (threshold == 0) {
                assertTrue(m.machine.memory.code().size() >= 2, "both were translated");
            }
        }
    }

    @Test
    void aTranslatedCopyWithLdtrAndSttrEndsInThePermissionFaultTheInterpreterTakes() {
        // copy_from_user's shape: LDTR from a page EL0 may read, STTR to one it may write, until
        // the destination runs into a page only EL1 may write: the fault at the 513th STTR, as
        // EL0's permissions are checked though the copy runs at EL1.
        List<List<Long>> outcomes = new ArrayList<>();
        List<Long> copied = new ArrayList<>();
        for (int threshold : new int[] {-1, 0}) {
            var m = new MmuMachine("        ldr x2, =" + V + "\n"
                    + "        ldr x3, =" + (V + 0x1000) + "\n"
                    + "loop:\n"
                    + word(0xf8400800 | 2 << 5 | 4) // ldtr x4, [x2]
                    + word(0xf8000800 | 3 << 5 | 4) // sttr x4, [x3]
                    + "        add x2, x2, #8\n"
                    + "        add x3, x3, #8\n"
                    + "        b loop\n");
            m.map(ROOT0, V, DATA, NORMAL | MmuMachine.EL0);
            m.map(ROOT0, V + 0x1000, DATA + 0x1000, NORMAL | MmuMachine.EL0);
            m.map(ROOT0, V + 0x2000, DATA + 0x2000, NORMAL);
            for (int i = 0; i < 512; i++) {
                m.write(DATA + 8L * i, i * 5L + 1);
            }
            A64Cpu cpu = m.cpu();
            cpu.setTranslation(threshold);
            assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
            assertEquals(0x200, cpu.x(20), "the synchronous exception vector of EL1");
            outcomes.add(visible(cpu));
            copied.add(m.read(DATA + 0x1000 + 8 * 511));
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
        assertEquals(List.of(511 * 5L + 1, 511 * 5L + 1), copied, "the last word copied");
        assertEquals(V + 0x2000, outcomes.get(1).get(3), "the destination at the fault");
    }

    private static String word(int instruction) {
        return "        .word 0x" + Integer.toHexString(instruction) + "\n";
    }

    @Test
    void anInterruptIsTakenInsideATranslatedLoopWithinOneRegionsLength() {
        var m = new MmuMachine("""
                msr daifclr, #2
                mov x1, #0
            loop:
                add x1, x1, #1
                b loop
            """);
        A64Cpu cpu = m.cpu();
        cpu.setTranslation(0);
        assertInstanceOf(Exit.Budget.class, cpu.run(100_000));
        assertTrue(m.machine.memory.code().size() > 0, "the loop runs translated");
        cpu.setInterruptPending(true);
        long before = cpu.instructions();
        assertInstanceOf(Exit.Hypercall.class, cpu.run(100_000));
        assertEquals(0x280, cpu.x(20), "the IRQ vector of EL1 with SP_EL1");
        assertTrue(cpu.instructions() - before <= 4, "taken at the loop's next backward branch");
        long loop = m.symbol("loop");
        assertTrue(cpu.elr() == loop || cpu.elr() == loop + 4, "returning into the loop");
    }

    @Test
    void loadsAndStoresThroughTheMmuAgreeWithTheInterpreter() {
        // Every size and index form over two mapped pages, crossing between them and so leaving
        // the page of the last access as often as staying on it.
        List<List<Long>> outcomes = new ArrayList<>();
        List<List<Long>> memories = new ArrayList<>();
        for (int threshold : new int[] {-1, 0}) {
            var m = new MmuMachine("""
                    ldr x0, =%d
                    ldr x1, =0x8899030405060708
                    mov x2, #16
                    mov x20, #0
                loop:
                    str x1, [x0], #8
                    strb w1, [x0, #3]
                    strh w1, [x0, #6]!
                    str w1, [x0, x2]
                    stur x1, [x0, #-5]
                    stp x1, x2, [x0, #16]
                    ldp x3, x4, [x0, #16]
                    ldrsb x5, [x0, #3]
                    ldrsh w6, [x0, #6]
                    ldrsw x7, [x0, x2, lsl #2]
                    ldr x8, [x0], #-8
                    ldrb w9, [x0, #9]!
                    ldur w10, [x0, #-3]
                    add x0, x0, #77
                    eor x1, x1, x8, ror #7
                    add x20, x20, x9
                    subs x2, x2, #1
                    b.ne loop
                """.formatted(V + 0x800));
            m.map(ROOT0, V, DATA, NORMAL);
            m.map(ROOT0, V + 0x1000, DATA + 0x1000, NORMAL);
            A64Cpu cpu = m.cpu();
            cpu.setTranslation(threshold);
            assertInstanceOf(Exit.Hypercall.class, MmuMachine.run(cpu));
            assertEquals(0, cpu.esr(), "no exception was taken");
            outcomes.add(visible(cpu));
            List<Long> memory = new ArrayList<>();
            for (long a = DATA; a < DATA + 0x2000; a += 8) {
                memory.add(m.read(a));
            }
            memories.add(memory);
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
        assertEquals(memories.get(0), memories.get(1));
    }
}
