package org.gunyah.vmm.hypervisor.emulated.mmu;

/**
 * One TLBI of the EL1&0 regime, decoded: what it removes. {@code page} is the page number (VA bits
 * 55:12, sign-extended from bit 55, shifted right by 12) and {@code asid} the ASID, where they apply.
 * The last-level forms (VALE1, VAALE1) remove what their full forms do: the TLB holds leaf entries
 * only, and removing more than asked is always allowed.
 */
public record Invalidation(Kind kind, long page, int asid) {
    public enum Kind {
        /** VMALLE1: everything. */
        ALL,
        /** VAE1, VALE1: the page for one ASID, and global entries of it. */
        PAGE_ASID,
        /** VAAE1, VAALE1: the page for every ASID. */
        PAGE,
        /** ASIDE1: the non-global entries of one ASID. */
        ASID
    }

    public static final Invalidation ALL = new Invalidation(Kind.ALL, 0, 0);

    /**
     * The TLBI of the op2 field of {@code TLBI <op>, Xt} (CRm 3 or 7, op1 0: 0 VMALLE1, 1 VAE1, 2
     * ASIDE1, 3 VAAE1, 5 VALE1, 7 VAALE1) with Xt's value; {@code sixteenBitAsids} is TCR.AS.
     */
    public static Invalidation ofTlbi(int op2, long xt, boolean sixteenBitAsids) {
        long page = (xt & ((1L << 44) - 1)) << 20 >> 8 >>> 12; // VA[55:12], sign-extended from bit 55
        int asid = (int) (xt >>> 48) & (sixteenBitAsids ? 0xffff : 0xff);
        return switch (op2) {
            case 0 -> ALL;
            case 1, 5 -> new Invalidation(Kind.PAGE_ASID, page, asid);
            case 2 -> new Invalidation(Kind.ASID, 0, asid);
            case 3, 7 -> new Invalidation(Kind.PAGE, page, 0);
            default -> throw new IllegalArgumentException("not a TLBI of EL1: op2 " + op2);
        };
    }
}
