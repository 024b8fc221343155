package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Arbitrary guest code in arbitrary memory layouts on two vCPUs sharing RAM, run in turns with
 * every exit answered as a VMM would (MMIO reads get fuzzed data, WFI gets an interrupt). The
 * guest may crash; the emulator never throws and never faults itself (its own bugs would show as
 * an "emulator fault" crash, so those count as findings).
 */
class GuestCodeFuzzTest {
    private static final int STEPS = 16;
    private static final long BUDGET = 512;

    @FuzzTest
    void anyCodeRunsOrCrashesTheGuestButNeverTheEmulator(FuzzedDataProvider data) {
        try (Arena arena = Arena.ofConfined()) {
            List<GuestMemory.Region> regions = new ArrayList<>();
            int count = data.consumeInt(1, 3);
            for (int i = 0; i < count; i++) {
                // Any page-aligned base, the very top of the address space included.
                long base = data.consumeLong() & -4096L;
                int pages = data.consumeInt(1, 4);
                regions.add(new GuestMemory.Region(base, arena.allocate(pages * 4096L, 4096)));
            }
            MemorySegment code = regions.getFirst().segment();
            byte[] bytes = data.consumeBytes((int) code.byteSize());
            MemorySegment.copy(bytes, 0, code, ValueLayout.JAVA_BYTE, 0, bytes.length);
            GuestMemory memory = new GuestMemory(regions);

            A64Cpu[] cpus = new A64Cpu[data.consumeInt(1, 2)];
            for (int i = 0; i < cpus.length; i++) {
                cpus[i] = new A64Cpu(i, memory, gic(data));
                cpus[i].setPc(regions.getFirst().base() + 4L * data.consumeInt(0, (int) (code.byteSize() / 4) - 1));
                for (int r = 0; r < 31; r++) {
                    cpus[i].setX(r, data.consumeLong());
                }
            }
            boolean[] down = new boolean[cpus.length];
            for (int step = 0; step < STEPS; step++) {
                int i = step % cpus.length;
                if (!down[i]) {
                    down[i] = answer(cpus[i], cpus[i].run(BUDGET), data);
                }
            }
        }
    }

    private static InterruptInterface gic(FuzzedDataProvider data) {
        long intid = data.consumeBoolean() ? 32 + data.consumeInt(0, 64) : 1023;
        return new InterruptInterface() {
            @Override
            public Long read(int key) {
                return key == SystemRegisters.ICC_IAR1_EL1 ? intid : null;
            }

            @Override
            public boolean write(int key, long value) {
                return key == SystemRegisters.ICC_EOIR1_EL1;
            }
        };
    }

    /** Answers an exit; true when the vCPU is down for good. */
    private static boolean answer(A64Cpu cpu, Exit exit, FuzzedDataProvider data) {
        switch (exit) {
            case Exit.Crash c -> {
                assertFalse(c.reason().startsWith("emulator fault"), c.toString());
                return true;
            }
            case Exit.MmioRead r -> cpu.completeMmioRead(data.consumeLong());
            case Exit.WaitForInterrupt w -> cpu.setInterruptPending(data.consumeBoolean());
            case Exit.MmioWrite w -> {}
            case Exit.Hypercall h -> {}
            case Exit.Budget b -> {}
        }
        return false;
    }
}
