package org.gunyah.vmm.hypervisor.emulated.mmu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The registers of the EL1&0 stage-1 regime, and its translation table walk (Arm ARM D5,
 * AArch64.TranslationTableWalk for ARMv8.0 and the 4 KiB granule):
 *
 * <ul>
 *   <li>VA bit 55 selects TTBR0 (T0SZ, EPD0, TBI0) or TTBR1 (T1SZ, EPD1, TBI1). With TBI the top
 *       byte is ignored; without it bits 63:(64 - TnSZ) must all equal bit 55. An address outside
 *       the range, or a walk disabled by EPDn, is a translation fault at level 0.
 *   <li>TnSZ from 16 to 39 (48- down to 25-bit VA); the walk starts at level 0 (40 to 48 bits), 1
 *       (31 to 39) or 2 (25 to 30). Values outside are CONSTRAINED UNPREDICTABLE and are clamped
 *       to that range, one of the behaviours the architecture allows.
 *   <li>The granule is always 4 KiB: TG0/TG1 programmed with a granule we do not advertise (16 or
 *       64 KiB, ID_AA64MMFR0) are treated as 4 KiB, which the architecture allows for a size
 *       that is not implemented.
 *   <li>The output size is TCR.IPS, at most the 44 bits PARange advertises; a table address or an
 *       output address above it is an address size fault (level 0 for the TTBR).
 *   <li>Table descriptors at levels 0-2 (APTable, UXNTable, PXNTable accumulate down the walk),
 *       blocks at level 1 (1 GiB) and 2 (2 MiB), pages at level 3; a block at level 0 or a
 *       reserved level-3 entry is a translation fault.
 *   <li>AF = 0 is an access flag fault: hardware management of the flags is not advertised.
 *   <li>Permissions from AP[2:1], UXN, PXN and SCTLR.WXN; memory writable at EL0 is never
 *       executable at EL1 (the architecture's implicit PXN). PAN is not advertised.
 * </ul>
 */
public record Stage1(long sctlr, long tcr, long ttbr0, long ttbr1, long mair) {
    /** The output size the ID registers advertise (ID_AA64MMFR0.PARange = 0b0100). */
    public static final int PA_BITS = 44;

    static final long SCTLR_WXN = 1L << 19;
    static final long TCR_A1 = 1L << 22;
    static final long TCR_AS = 1L << 36;
    public static final long ADDRESS_MASK = 0x0000_ffff_ffff_f000L; // descriptor and TTBR bits 47:12
    private static final VarHandle U64_ATOMIC =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** What a walk found: a {@link Translation} or a {@link Fault}. */
    public sealed interface Result permits Translation, Fault {}

    /** The current ASID: from TTBR1 when TCR.A1 is set, else TTBR0; 16 bits when TCR.AS, else 8. */
    public int asid() {
        long ttbr = (tcr & TCR_A1) != 0 ? ttbr1 : ttbr0;
        return (int) (ttbr >>> 48) & ((tcr & TCR_AS) != 0 ? 0xffff : 0xff);
    }

    /** Whether the top byte of addresses in the half {@code upper} (VA bit 55) is ignored. */
    public boolean topByteIgnored(boolean upper) {
        return (tcr >>> (upper ? 38 : 37) & 1) != 0;
    }

    /** Translates the page of {@code va}. Only reads memory. */
    public Result walk(long va, PhysicalMemory memory) {
        boolean upper = (va >>> 55 & 1) != 0;
        int tsz = Math.clamp((int) (upper ? tcr >>> 16 : tcr) & 0x3f, 16, 39);
        boolean disabled = (tcr >>> (upper ? 23 : 7) & 1) != 0;
        int inputBits = 64 - tsz;
        long canonical = topByteIgnored(upper) ? va << 8 >> 8 : va;
        if (disabled || canonical >> inputBits != (upper ? -1L : 0L)) {
            return new Fault(Fault.Kind.TRANSLATION, 0);
        }
        long outMask = -1L << outputBits();
        int level = 4 - (inputBits - 12 + 8) / 9;
        long table = (upper ? ttbr1 : ttbr0) & ADDRESS_MASK;
        if ((table & outMask) != 0) {
            return new Fault(Fault.Kind.ADDRESS_SIZE, 0);
        }
        int apTable = 0;
        boolean uxnTable = false;
        boolean pxnTable = false;
        while (true) {
            int shift = 12 + 9 * (3 - level);
            int indexBits = Math.min(9, inputBits - shift);
            long descriptorPa = table + ((va >>> shift) & ((1L << indexBits) - 1)) * 8;
            MemorySegment page = memory.ramPage(descriptorPa & ~0xfffL);
            if (page == null) {
                return new Fault(Fault.Kind.EXTERNAL_ABORT_ON_WALK, level);
            }
            // A single-copy-atomic read: another vCPU may be writing the table.
            long d = (long) U64_ATOMIC.getVolatile(page, descriptorPa & 0xfff);
            boolean invalid = (d & 1) == 0;
            boolean blockAtLevel0 = level == 0 && (d & 2) == 0;
            boolean reservedAtLevel3 = level == 3 && (d & 2) == 0;
            if (invalid || blockAtLevel0 || reservedAtLevel3) {
                return new Fault(Fault.Kind.TRANSLATION, level);
            }
            if ((d & 2) != 0 && level < 3) {
                table = d & ADDRESS_MASK;
                if ((table & outMask) != 0) {
                    return new Fault(Fault.Kind.ADDRESS_SIZE, level);
                }
                apTable |= (int) (d >>> 61) & 3;
                uxnTable |= (d >>> 60 & 1) != 0;
                pxnTable |= (d >>> 59 & 1) != 0;
                level++;
                continue;
            }
            if ((d & ADDRESS_MASK & outMask) != 0) {
                return new Fault(Fault.Kind.ADDRESS_SIZE, level);
            }
            if ((d & 1L << 10) == 0) {
                return new Fault(Fault.Kind.ACCESS_FLAG, level);
            }
            long blockMask = (1L << shift) - 1;
            long pagePa = (d & ADDRESS_MASK & ~blockMask) | (va & blockMask & ~0xfffL);
            return new Translation(
                    pagePa,
                    level,
                    permissions(d, apTable, uxnTable, pxnTable),
                    (d & 1L << 11) == 0,
                    (int) (mair >>> 8 * ((d >>> 2) & 7)) & 0xff,
                    (int) (d >>> 8) & 3);
        }
    }

    private int permissions(long d, int apTable, boolean uxnTable, boolean pxnTable) {
        int ap = (int) (d >>> 6) & 3; // AP[1] (EL0 access) is bit 0 here, AP[2] (read-only) bit 1
        if ((apTable & 1) != 0) {
            ap &= ~1; // APTable[0]: no EL0 access below
        }
        if ((apTable & 2) != 0) {
            ap |= 2; // APTable[1]: no write access below
        }
        boolean userRead = (ap & 1) != 0;
        boolean userWrite = ap == 1;
        boolean privWrite = (ap & 2) == 0;
        boolean wxn = (sctlr & SCTLR_WXN) != 0;
        boolean userExec = (d >>> 54 & 1) == 0 && !uxnTable && !(userWrite && wxn);
        boolean privExec = (d >>> 53 & 1) == 0 && !pxnTable && !(privWrite && wxn) && !userWrite;
        return Access.bits(userRead, userWrite, userExec, true, privWrite, privExec);
    }

    /** TCR.IPS as a number of bits, at most {@link #PA_BITS}. */
    private int outputBits() {
        int bits = switch ((int) (tcr >>> 32) & 7) {
            case 0 -> 32;
            case 1 -> 36;
            case 2 -> 40;
            case 3 -> 42;
            default -> 44;
        };
        return Math.min(bits, PA_BITS);
    }
}
