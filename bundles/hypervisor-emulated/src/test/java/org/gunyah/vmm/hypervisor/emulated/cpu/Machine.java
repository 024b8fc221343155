package org.gunyah.vmm.hypervisor.emulated.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.gunyah.vmm.tools.a64asm.Program;

/** A test machine: one RAM region at {@link #BASE} holding an assembled program, and vCPUs on it. */
final class Machine {
    static final long BASE = 0x8000_0000L;
    static final long SIZE = 0x10_000;

    final MemorySegment ram = Arena.ofAuto().allocate(SIZE, 4096);
    final GuestMemory memory = new GuestMemory(List.of(new GuestMemory.Region(BASE, ram)));
    final Program program;
    final List<Long> eois = new ArrayList<>();
    long nextIntid = 1023;

    Machine(String source) {
        program = A64Assembler.assemble(source, BASE);
        MemorySegment.copy(program.image(), 0, ram, ValueLayout.JAVA_BYTE, 0, program.image().length);
    }

    A64Cpu cpu(int index) {
        // A scripted CPU interface: ICC_IAR1_EL1 gives nextIntid once, ICC_EOIR1_EL1 is recorded.
        A64Cpu cpu = new A64Cpu(index, memory, new InterruptInterface() {
            @Override
            public Long read(int key) {
                if (key != SystemRegisters.ICC_IAR1_EL1) {
                    return null;
                }
                long id = nextIntid;
                nextIntid = 1023;
                return id;
            }

            @Override
            public boolean write(int key, long value) {
                if (key != SystemRegisters.ICC_EOIR1_EL1) {
                    return false;
                }
                eois.add(value & 0xff_ffff);
                return true;
            }
        });
        cpu.setPc(program.entry());
        return cpu;
    }

    long symbol(String name) {
        return program.symbols().get(name);
    }

    long load64(long address) {
        return ram.get(GuestMemory.U64, address - BASE);
    }

    /** Runs a fresh vCPU 0 to its first exit that is not the budget. */
    static Result run(String source) {
        Machine m = new Machine(source);
        A64Cpu cpu = m.cpu(0);
        Exit e = cpu.run(1_000_000);
        return new Result(m, cpu, e);
    }

    record Result(Machine machine, A64Cpu cpu, Exit exit) {
        long x(int r) {
            return cpu.x(r);
        }
    }
}
