package org.gunyah.vmm.hypervisor.emulated.cpu;

/** Why {@link A64Cpu#run(long)} returned. */
public sealed interface Exit {
    /** The instruction budget ran out. */
    record Budget() implements Exit {}

    /** A load from outside RAM; complete it with {@link A64Cpu#completeMmioRead(long)}. */
    record MmioRead(long address, int size) implements Exit {}

    /** A store to outside RAM, already done from the guest's view; {@code value} in its low bytes. */
    record MmioWrite(long address, int size, long value) implements Exit {}

    /** WFI with no interrupt pending; the PC is past the WFI. */
    record WaitForInterrupt() implements Exit {}

    /** HVC; the PC is past it; arguments in x0..x7, results go to x0..x3. */
    record Hypercall(int imm16) implements Exit {}

    /** The guest did something the vCPU cannot do; it stays crashed. */
    record Crash(long pc, int instruction, String reason) implements Exit {}

    Budget BUDGET = new Budget();
    WaitForInterrupt WFI = new WaitForInterrupt();
}
