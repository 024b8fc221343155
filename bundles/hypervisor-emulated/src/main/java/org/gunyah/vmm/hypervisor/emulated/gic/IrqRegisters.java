package org.gunyah.vmm.hypervisor.emulated.gic;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The per-interrupt registers the distributor and a redistributor's SGI_base share, at the same
 * offsets: a bit (IGROUPR, IS/ICENABLER, IS/ICPENDR, IS/ICACTIVER), two bits (ICFGR) or a byte
 * (IPRIORITYR, the only ones accessible by byte) per INTID. Which interrupts a frame has is its
 * {@link Bank}'s; the others read as zero and ignore writes. Called under the GIC's lock.
 */
final class IrqRegisters {
    static final int IGROUPR = 0x080;
    static final int ISENABLER = 0x100;
    static final int ICENABLER = 0x180;
    static final int ISPENDR = 0x200;
    static final int ICPENDR = 0x280;
    static final int ISACTIVER = 0x300;
    static final int ICACTIVER = 0x380;
    static final int IPRIORITYR = 0x400;
    static final int ITARGETSR = 0x800;
    static final int ICFGR = 0xc00;
    static final int IGRPMODR = 0xd00;
    static final int END = 0xe00;
    /** Five priority bits, 32 levels (ICC_CTLR_EL1.PRIbits = 4). */
    static final int PRIORITY_MASK = 0xf8;

    /** The interrupts of a frame by INTID; null for one it does not have. */
    interface Bank {
        Irq irq(int intid);
    }

    private IrqRegisters() {}

    static boolean handles(int offset) {
        return offset >= IGROUPR && offset < END;
    }

    static long read(Bank bank, int offset, int size) {
        if (offset >= IPRIORITYR && offset < ITARGETSR) {
            long v = 0;
            for (int k = 0; k < size; k++) {
                Irq irq = bank.irq(offset - IPRIORITYR + k);
                v |= irq == null ? 0 : (long) irq.priority << (8 * k);
            }
            return v;
        }
        if (size != 4) {
            return 0;
        }
        int word = offset & 0x7c;
        return switch (offset & ~0x7f) {
            case IGROUPR -> bits(bank, word, i -> i.group1);
            case ISENABLER, ICENABLER -> bits(bank, word, i -> i.enabled);
            case ISPENDR, ICPENDR -> bits(bank, word, Irq::pending);
            case ISACTIVER, ICACTIVER -> bits(bank, word, i -> i.active);
            case ICFGR, ICFGR + 0x80 -> configuration(bank, offset - ICFGR);
            default -> 0; // ITARGETSR (affinity routing), IGRPMODR (one security state)
        };
    }

    static void write(Bank bank, int offset, int size, long value) {
        if (offset >= IPRIORITYR && offset < ITARGETSR) {
            for (int k = 0; k < size; k++) {
                Irq irq = bank.irq(offset - IPRIORITYR + k);
                if (irq != null) {
                    irq.priority = (int) (value >>> (8 * k)) & PRIORITY_MASK;
                }
            }
            return;
        }
        if (size != 4) {
            return;
        }
        int word = offset & 0x7c;
        switch (offset & ~0x7f) {
            case IGROUPR -> {
                for (int k = 0; k < 32; k++) {
                    Irq irq = bank.irq(word * 8 + k);
                    if (irq != null) {
                        irq.group1 = (value & (1L << k)) != 0;
                    }
                }
            }
            case ISENABLER -> forSet(bank, word, value, i -> i.enabled = true);
            case ICENABLER -> forSet(bank, word, value, i -> i.enabled = false);
            case ISPENDR -> forSet(bank, word, value, i -> i.latch = true);
            case ICPENDR -> forSet(bank, word, value, i -> i.latch = false);
            case ISACTIVER -> forSet(bank, word, value, i -> i.active = true);
            case ICACTIVER -> forSet(bank, word, value, i -> i.active = false);
            case ICFGR, ICFGR + 0x80 -> {
                int first = (offset - ICFGR) * 4;
                for (int k = 0; k < 16; k++) {
                    Irq irq = bank.irq(first + k);
                    if (irq != null && irq.intid >= Gicv3.FIRST_PPI) { // SGIs are edge, read-only
                        irq.edge = (value & (2L << (2 * k))) != 0;
                    }
                }
            }
            default -> {}
        }
    }

    private static long bits(Bank bank, int word, Predicate<Irq> p) {
        long v = 0;
        for (int k = 0; k < 32; k++) {
            Irq irq = bank.irq(word * 8 + k);
            if (irq != null && p.test(irq)) {
                v |= 1L << k;
            }
        }
        return v;
    }

    private static void forSet(Bank bank, int word, long value, Consumer<Irq> action) {
        for (int k = 0; k < 32; k++) {
            Irq irq = (value & (1L << k)) != 0 ? bank.irq(word * 8 + k) : null;
            if (irq != null) {
                action.accept(irq);
            }
        }
    }

    private static long configuration(Bank bank, int byteOffset) {
        int first = byteOffset * 4;
        long v = 0;
        for (int k = 0; k < 16; k++) {
            Irq irq = bank.irq(first + k);
            if (irq != null && irq.edge) {
                v |= 2L << (2 * k);
            }
        }
        return v;
    }
}
