package org.gunyah.vmm.benchmarks.perf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.gunyah.vmm.tools.a64asm.Program;

/**
 * {@code emulated.mips}: guest instructions per second on one emulated vCPU, for a tight loop
 * (register arithmetic and a branch) and a memory-bound loop (load, add, store with post-index over
 * 4 KiB). Each runs {@link #WARMUP} instructions first, so that the interpreter is compiled.
 */
public final class EmulatedMips {
    static final long BASE = 0x4000_0000L;
    static final long WARMUP = 100_000_000L;
    static final long MEASURED = 300_000_000L;

    static final String TIGHT = """
        _start:
                mov     x1, #0
        1:      add     x0, x0, #1
                eor     x1, x1, x0
                b       1b
        """;

    static final String MEMORY = """
        _start:
                adr     x4, buf
                add     x5, x4, #4095
                add     x5, x5, #1
        2:      mov     x2, x4
        1:      ldr     x3, [x2]
                add     x3, x3, #1
                str     x3, [x2], #8
                cmp     x2, x5
                b.ne    1b
                b       2b
                .balign 16
        buf:    .space  4096
        """;

    private EmulatedMips() {}

    public static void main(String[] args) {
        double tight = mips(TIGHT);
        double memory = mips(MEMORY);
        System.out.printf("emulated.mips: tight_loop=%.1f memory_loop=%.1f unit=MIPS%n", tight, memory);
    }

    static double mips(String source) {
        Program program = A64Assembler.assemble(source, BASE);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(64 * 1024, 4096);
            MemorySegment.copy(program.image(), 0, ram, ValueLayout.JAVA_BYTE, 0, program.image().length);
            A64Cpu cpu =
                    new A64Cpu(0, new GuestMemory(List.of(new GuestMemory.Region(BASE, ram))), InterruptInterface.NONE);
            cpu.setPc(BASE);
            run(cpu, WARMUP);
            long start = System.nanoTime();
            long done = run(cpu, MEASURED);
            return done / ((System.nanoTime() - start) / 1e9) / 1e6;
        }
    }

    private static long run(A64Cpu cpu, long instructions) {
        long first = cpu.instructions();
        while (cpu.instructions() - first < instructions) {
            Exit exit = cpu.run(1_000_000);
            if (!(exit instanceof Exit.Budget)) {
                throw new IllegalStateException("the loop left its budget: " + exit);
            }
        }
        return cpu.instructions() - first;
    }
}
