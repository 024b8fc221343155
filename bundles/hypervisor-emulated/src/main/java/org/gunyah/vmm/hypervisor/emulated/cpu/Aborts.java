package org.gunyah.vmm.hypervisor.emulated.cpu;

import org.gunyah.vmm.hypervisor.emulated.mmu.Access;
import org.gunyah.vmm.hypervisor.emulated.mmu.Fault;

/** The synchronous exceptions of memory accesses: instruction and data aborts, SP alignment. */
final class Aborts {
    private Aborts() {}

    static RuntimeException of(A64Cpu cpu, Fault fault, long va, int access) {
        String what = access == Access.EXECUTE ? "instruction abort" : "data abort";
        return new IllegalStateException(String.format(
                "%s at 0x%x: %s level %d (FSC 0x%x)", what, va, fault.kind(), fault.level(), fault.statusCode()));
    }

    static RuntimeException alignment(A64Cpu cpu, long va, boolean write) {
        return of(cpu, Fault.ALIGNMENT, va, write ? Access.WRITE : Access.READ);
    }

    static RuntimeException spAlignment(A64Cpu cpu) {
        return new IllegalStateException("SP alignment fault");
    }
}
