package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * A synchronous exception found while executing an instruction: an abort, an alignment fault, an
 * undefined encoding, a trapped access. Thrown from wherever it is found (a page-table walk deep in
 * a load, a system-register gate) and caught by {@link A64Cpu#run}, which rewinds the PC to the
 * instruction and takes the exception, so an instruction changes no register before its last
 * possible fault. Stackless: the guest, not the emulator, is at fault, and Linux takes thousands.
 *
 * @param syndrome the ESR_EL1 value (EC, IL, ISS)
 * @param far the faulting virtual address, when {@code farValid}
 */
public final class GuestFault extends RuntimeException {
    private static final long serialVersionUID = 1L;

    final int syndrome;
    final long far;
    final boolean farValid;
    /** The instruction, for a crash report when the guest cannot take the exception. */
    final int instruction;

    GuestFault(int syndrome, long far, boolean farValid, int instruction) {
        super(null, null, false, false);
        this.syndrome = syndrome;
        this.far = far;
        this.farValid = farValid;
        this.instruction = instruction;
    }

    /** The exception class, ESR_EL1 bits 31:26. */
    public int exceptionClass() {
        return syndrome >>> 26;
    }

    @Override
    public String getMessage() {
        return Exceptions.describe(syndrome, far, farValid);
    }
}
