package org.gunyah.vmm.api;

import java.util.OptionalInt;

/**
 * Where a vCPU's guest is, sampled while it runs: the program counter and, when the backend could
 * read it, the instruction word there. For reports about a guest that stopped making progress;
 * the guest may have moved on by the time anyone reads it.
 */
public record VcpuPosition(long pc, OptionalInt instruction) {
    public VcpuPosition {
        instruction = instruction == null ? OptionalInt.empty() : instruction;
    }

    /** {@code pc 0x...} and, when known, {@code (instruction 0x........)}, as crash reasons say it. */
    @Override
    public String toString() {
        return instruction.isPresent()
                ? String.format("pc 0x%x (instruction 0x%08x)", pc, instruction.getAsInt())
                : String.format("pc 0x%x", pc);
    }
}
