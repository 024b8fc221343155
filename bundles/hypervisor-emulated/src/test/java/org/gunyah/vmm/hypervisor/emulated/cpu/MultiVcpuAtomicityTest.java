package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Exclusives and atomics on two vCPU threads sharing one guest RAM: no update is ever lost. Each
 * vCPU runs its loop to an HVC; the waits are bounded. x1 is set per vCPU before it starts.
 */
class MultiVcpuAtomicityTest {
    static final int N = 20_000;

    /** Runs vCPU i from label {@code entries[i]} with x1 = {@code x1[i]}, all at once, to their HVC. */
    private static void runTogether(Machine m, String[] entries, long[] x1) throws InterruptedException {
        var exits = new AtomicReferenceArray<Exit>(entries.length);
        Thread[] threads = new Thread[entries.length];
        var start = new CyclicBarrier(entries.length); // so that the vCPUs overlap
        for (int i = 0; i < entries.length; i++) {
            A64Cpu cpu = m.cpu(i);
            cpu.setPc(m.symbol(entries[i]));
            cpu.setX(1, x1[i]);
            cpu.setX(9, N);
            int index = i;
            threads[i] = Thread.ofPlatform().start(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception broken) {
                    return;
                }
                Exit e;
                do {
                    e = cpu.run(5_000);
                } while (e == Exit.BUDGET);
                exits.set(index, e);
            });
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        for (int i = 0; i < entries.length; i++) {
            int index = i;
            assertInstanceOf(Exit.Hypercall.class, exits.get(i), () -> "vCPU " + index + ": " + exits.get(index));
        }
    }

    // Between each load and its store: a delay, so that a vCPU thread is often preempted or
    // overtaken there, where a non-atomic implementation would lose the other's update.
    private static final String DATA = """
        window: mov x8, #16
        2:      subs x8, x8, #1
                b.ne 2b
                ret
                .balign 16
        var:    .quad 0, 0
        """;

    private static final String EXCLUSIVE_INCREMENT = """
        inc:    .word 0x885ffc22  // ldaxr w2, [x1]
                add w4, w2, #1
                bl window
                .word 0x8803fc24  // stlxr w3, w4, [x1]
                cbnz w3, inc
                subs x9, x9, #1
                b.ne inc
                hvc #0
        """;

    @Test
    void twoVcpusIncrementingWithLdxrStxrLoseNoIncrement() throws Exception {
        Machine m = new Machine(EXCLUSIVE_INCREMENT + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var));
    }

    @Test
    void exclusiveIncrementsAndLdaddOfAnotherVcpuLoseNoIncrement() throws Exception {
        Machine m = new Machine(EXCLUSIVE_INCREMENT + """
            add:    mov w2, #1
            1:      .word 0xb8220023  // ldadd w2, w3, [x1]
                    subs x9, x9, #1
                    b.ne 1b
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "add"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var));
    }

    @Test
    void halfwordExclusivesOnNeighbouringHalvesOfOneWordLoseNoIncrement() throws Exception {
        Machine m = new Machine("""
            inc:    .word 0x485f7c22  // ldxrh w2, [x1]
                    add w4, w2, #1
                    bl window
                    .word 0x48037c24  // stxrh w3, w4, [x1]
                    cbnz w3, inc
                    subs x9, x9, #1
                    b.ne inc
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var + 2});
        assertEquals((long) N << 16 | N, m.load64(var));
    }

    @Test
    void halfwordLdaddOnNeighbouringHalvesOfOneWordLosesNoIncrement() throws Exception {
        Machine m = new Machine("""
            add:    mov w2, #1
            1:      .word 0x78220023  // ldaddh w2, w3, [x1]
                    subs x9, x9, #1
                    b.ne 1b
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"add", "add"}, new long[] {var, var + 2});
        assertEquals((long) N << 16 | N, m.load64(var));
    }

    @Test
    void twoVcpusIncrementingBothHalvesOfAnExclusivePairLoseNoIncrement() throws Exception {
        Machine m = new Machine("""
            inc:    .word 0xc87f9422  // ldaxp x2, x5, [x1]
                    add x4, x2, #1
                    add x6, x5, #2
                    bl window
                    .word 0xc8239824  // stlxp w3, x4, x6, [x1]
                    cbnz w3, inc
                    subs x9, x9, #1
                    b.ne inc
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var));
        assertEquals(4L * N, m.load64(var + 8));
    }

    @Test
    void twoVcpusIncrementingWithCasLoopsLoseNoIncrement() throws Exception {
        Machine m = new Machine("""
            inc:    ldr x2, [x1]
            1:      add x4, x2, #1
                    mov x5, x2
                    bl window
                    .word 0xc8e2fc24  // casal x2, x4, [x1]
                    cmp x2, x5
                    b.ne 1b
                    subs x9, x9, #1
                    b.ne inc
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var));
    }

    @Test
    void twoVcpusIncrementingBothHalvesWithCaspLoseNoIncrement() throws Exception {
        Machine m = new Machine("""
            inc:    ldp x2, x3, [x1]
            1:      add x4, x2, #1
                    add x5, x3, #2
                    mov x6, x2
                    mov x7, x3
                    bl window
                    .word 0x4862fc24  // caspal x2, x3, x4, x5, [x1]
                    cmp x2, x6
                    ccmp x3, x7, #0, eq
                    b.ne 1b
                    subs x9, x9, #1
                    b.ne inc
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var));
        assertEquals(4L * N, m.load64(var + 8));
    }

    @Test
    void aSwpaSpinlockReleasedByStlrProtectsPlainIncrements() throws Exception {
        // var: the lock word, var + 8: the counter, updated with plain loads and stores.
        Machine m = new Machine("""
            inc:    mov w6, #1
            1:      .word 0xb8a68025  // swpa w6, w5, [x1]
                    cbnz w5, 1b
                    ldr x2, [x1, #8]
                    add x2, x2, #1
                    bl window
                    str x2, [x1, #8]
                    .word 0x889ffc3f  // stlr wzr, [x1]
                    subs x9, x9, #1
                    b.ne inc
                    hvc #0
            """ + DATA);
        long var = m.symbol("var");
        runTogether(m, new String[] {"inc", "inc"}, new long[] {var, var});
        assertEquals(2L * N, m.load64(var + 8));
        assertEquals(0, m.load64(var));
    }
}
