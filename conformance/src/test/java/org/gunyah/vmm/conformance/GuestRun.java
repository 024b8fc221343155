package org.gunyah.vmm.conformance;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.gunyah.vmm.hypervisor.emulated.cpu.A64Cpu;
import org.gunyah.vmm.hypervisor.emulated.cpu.CpuState;
import org.gunyah.vmm.hypervisor.emulated.cpu.Exit;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;

/**
 * A freestanding guest image on one emulated vCPU, as the platform runs it: 1 MiB of RAM at
 * 0x40000000 with the image at its start, the console register at 0x09000000 (one byte per MMIO
 * write), and the guest exit hypercall (hvc #0, x0 = 0xc6000001, x1 = status).
 */
final class GuestRun {
    static final long RAM = 0x4000_0000L;
    static final long RAM_SIZE = 1 << 20;
    static final long CONSOLE = 0x0900_0000L;
    static final long GUEST_EXIT = 0xc600_0001L;
    static final long MAX_INSTRUCTIONS = 2_000_000_000L;

    /** How the guest ended: an exit status, or a crash (pc and instruction word). */
    record Outcome(String console, long status, Exit.Crash crash, long instructions) {}

    private GuestRun() {}

    /** Runs {@code image} on {@code engine}. */
    static Outcome run(byte[] image, Engine engine) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ram = arena.allocate(RAM_SIZE, 4096);
            MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
            A64Cpu cpu = CpuState.newCpu(new GuestMemory(List.of(new GuestMemory.Region(RAM, ram))));
            cpu.setTranslation(engine.threshold());
            cpu.setPc(RAM);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            while (cpu.instructions() < MAX_INSTRUCTIONS) {
                switch (cpu.run(1 << 22)) {
                    case Exit.Budget b -> {}
                    case Exit.MmioWrite w
                    when w.address() == CONSOLE && w.size() == 1 -> console.write((int) w.value());
                    case Exit.Hypercall h
                    when cpu.x(0) == GUEST_EXIT -> {
                        return new Outcome(console.toString(), cpu.x(1), null, cpu.instructions());
                    }
                    case Exit.Crash c -> {
                        return new Outcome(console.toString(), -1, c, cpu.instructions());
                    }
                    case Exit other -> {
                        return new Outcome(
                                console.toString(),
                                -1,
                                new Exit.Crash(cpu.pc(), 0, "unexpected exit " + other),
                                cpu.instructions());
                    }
                }
            }
            return new Outcome(
                    console.toString(),
                    -1,
                    new Exit.Crash(cpu.pc(), 0, "still running after " + MAX_INSTRUCTIONS + " instructions"),
                    cpu.instructions());
        }
    }
}
