package org.gunyah.vmm.hypervisor.emulated.mmu;

/**
 * A stage-1 fault: its kind and the level of the walk it was found at, and its fault status code
 * (the DFSC of a data abort, the IFSC of an instruction abort, the FST of PAR_EL1).
 */
public record Fault(Kind kind, int level) implements Stage1.Result {
    public enum Kind {
        /** An output or table address above the output size (TCR.IPS, at most the 44 bits of PARange). */
        ADDRESS_SIZE(0b000000),
        TRANSLATION(0b000100),
        ACCESS_FLAG(0b001000),
        PERMISSION(0b001100),
        /** A descriptor read outside RAM: synchronous external abort on translation table walk. */
        EXTERNAL_ABORT_ON_WALK(0b010100),
        /** Not found by the walk: an access the architecture requires aligned (no level). */
        ALIGNMENT(0b100001);

        private final int code;

        Kind(int code) {
            this.code = code;
        }
    }

    public static final Fault ALIGNMENT = new Fault(Kind.ALIGNMENT, 0);

    /** The 6-bit fault status code. */
    public int statusCode() {
        return kind == Kind.ALIGNMENT ? kind.code : kind.code | level;
    }
}
