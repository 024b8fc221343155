package org.gunyah.vmm.hypervisor.emulated.gic;

import org.gunyah.vmm.hypervisor.emulated.cpu.InterruptInterface;

/**
 * The ICC system-register CPU interface of one vCPU: the priority mask, the binary points, the
 * active priorities (one bit per group priority, 32 levels), acknowledge, priority drop and
 * deactivation (EOImode 0: both at EOI; 1: deactivation by ICC_DIR_EL1), the group enables, and
 * SGI generation. State guarded by the GIC's lock; an access that changes what is signalled
 * publishes it and wakes vCPUs outside the lock.
 */
final class CpuInterface implements InterruptInterface {
    static final int PMR = InterruptInterface.key(3, 0, 4, 6, 0);
    static final int IAR0 = icc(8, 0);
    static final int EOIR0 = icc(8, 1);
    static final int HPPIR0 = icc(8, 2);
    static final int BPR0 = icc(8, 3);
    static final int AP0R0 = icc(8, 4);
    static final int AP1R0 = icc(9, 0);
    static final int DIR = icc(11, 1);
    static final int RPR = icc(11, 3);
    static final int SGI1R = icc(11, 5);
    static final int SGI0R = icc(11, 7);
    static final int IAR1 = icc(12, 0);
    static final int EOIR1 = icc(12, 1);
    static final int HPPIR1 = icc(12, 2);
    static final int BPR1 = icc(12, 3);
    static final int CTLR = icc(12, 4);
    static final int SRE = icc(12, 5);
    static final int IGRPEN0 = icc(12, 6);
    static final int IGRPEN1 = icc(12, 7);

    static final int CTLR_CBPR = 1;
    static final int CTLR_EOIMODE = 1 << 1;
    /** PRIbits = 4 (five bits), IDbits = 0 (16), RSS: SGI target lists reach Aff0 up to 255. */
    static final int CTLR_FIXED = 4 << 8 | 1 << 18;

    static final int MIN_BPR0 = 2;
    static final int MIN_BPR1 = 3;
    static final int IDLE_PRIORITY = 0x100;

    private final Gicv3 gic;
    private final int cpu;
    int pmr;
    int bpr0 = MIN_BPR0;
    int bpr1 = MIN_BPR1;
    int ctlr;
    boolean grpen0;
    boolean grpen1;
    /** ICC_AP0R0_EL1 and ICC_AP1R0_EL1: bit n = an active interrupt of group priority n << 3. */
    int ap0;

    int ap1;

    CpuInterface(Gicv3 gic, int cpu) {
        this.gic = gic;
        this.cpu = cpu;
    }

    private static int icc(int crm, int op2) {
        return InterruptInterface.key(3, 0, 12, crm, op2);
    }

    @Override
    public Long read(int key) {
        boolean readable = key == PMR
                || key == IAR0
                || key == HPPIR0
                || key == BPR0
                || key == AP0R0
                || key == AP1R0
                || key == RPR
                || key == IAR1
                || key == HPPIR1
                || key == BPR1
                || key == CTLR
                || key == SRE
                || key == IGRPEN0
                || key == IGRPEN1;
        return readable ? gic.changeAndGet(() -> readLocked(key)) : null;
    }

    @Override
    public boolean write(int key, long value) {
        boolean writable = key == PMR
                || key == EOIR0
                || key == BPR0
                || key == AP0R0
                || key == AP1R0
                || key == DIR
                || key == SGI1R
                || key == SGI0R
                || key == EOIR1
                || key == BPR1
                || key == CTLR
                || key == SRE
                || key == IGRPEN0
                || key == IGRPEN1;
        if (writable) {
            gic.change(() -> writeLocked(key, value));
        }
        return writable;
    }

    private long readLocked(int key) {
        if (key == PMR) {
            return pmr;
        } else if (key == IAR0 || key == IAR1) {
            return acknowledge(key == IAR1);
        } else if (key == HPPIR0 || key == HPPIR1) {
            Irq b = gic.best(cpu);
            return b != null && b.group1 == (key == HPPIR1) ? b.intid : Gicv3.SPURIOUS;
        } else if (key == BPR0) {
            return bpr0;
        } else if (key == BPR1) {
            return (ctlr & CTLR_CBPR) != 0 ? Math.min(bpr0 + 1, 7) : bpr1;
        } else if (key == AP0R0) {
            return ap0 & 0xffff_ffffL;
        } else if (key == AP1R0) {
            return ap1 & 0xffff_ffffL;
        } else if (key == RPR) {
            return Math.min(runningPriority(), 0xff);
        } else if (key == CTLR) {
            return ctlr | CTLR_FIXED;
        } else if (key == SRE) {
            return 0b111; // SRE, DFB, DIB: the system-register interface only
        } else if (key == IGRPEN0) {
            return grpen0 ? 1 : 0;
        }
        return grpen1 ? 1 : 0;
    }

    private void writeLocked(int key, long value) {
        int v = (int) value;
        if (key == PMR) {
            pmr = v & IrqRegisters.PRIORITY_MASK;
        } else if (key == EOIR0 || key == EOIR1) {
            endOfInterrupt(v & 0xff_ffff);
        } else if (key == DIR) {
            deactivate(v & 0xff_ffff);
        } else if (key == BPR0) {
            bpr0 = Math.max(v & 7, MIN_BPR0);
        } else if (key == BPR1) {
            if ((ctlr & CTLR_CBPR) == 0) {
                bpr1 = Math.max(v & 7, MIN_BPR1);
            }
        } else if (key == AP0R0) {
            ap0 = v;
        } else if (key == AP1R0) {
            ap1 = v;
        } else if (key == SGI1R || key == SGI0R) {
            Sgi.send(gic, cpu, value, key == SGI1R);
        } else if (key == CTLR) {
            ctlr = v & (CTLR_CBPR | CTLR_EOIMODE);
        } else if (key == IGRPEN0) {
            grpen0 = (v & 1) != 0;
        } else if (key == IGRPEN1) {
            grpen1 = (v & 1) != 0;
        } // SRE: RAO/WI
    }

    boolean groupEnabled(boolean group1) {
        return group1 ? grpen1 : grpen0;
    }

    /**
     * Whether {@code irq} may be signalled: its priority is above the mask, and its group priority
     * (the priority as the binary point cuts it) above the running priority.
     */
    boolean canPreempt(Irq irq) {
        return irq.priority < pmr && groupPriority(irq) < runningPriority();
    }

    /** The priority of the highest active group priority, or 0x100 when none is active. */
    int runningPriority() {
        int ap = ap0 | ap1;
        return ap == 0 ? IDLE_PRIORITY : Integer.numberOfTrailingZeros(ap) << 3;
    }

    /** Group 0 keeps priority bits [7:BPR0+1], group 1 bits [7:BPR1] (or group 0's with CBPR). */
    private int groupPriority(Irq irq) {
        int shift = !irq.group1 || (ctlr & CTLR_CBPR) != 0 ? bpr0 + 1 : bpr1;
        return irq.priority & (0xff << shift) & 0xff;
    }

    /** ICC_IAR0/1_EL1: the signalled interrupt of that group becomes active, or 1023. */
    private long acknowledge(boolean group1) {
        Irq b = gic.best(cpu);
        if (b == null || b.group1 != group1 || !canPreempt(b)) {
            return Gicv3.SPURIOUS;
        }
        b.latch = false;
        b.active = true;
        int bit = 1 << (groupPriority(b) >>> 3);
        if (group1) {
            ap1 |= bit;
        } else {
            ap0 |= bit;
        }
        return b.intid;
    }

    /**
     * ICC_EOIR0/1_EL1: drops the running priority (the highest active one; the guest must end
     * interrupts in the order it took them), and deactivates the interrupt unless EOImode is 1. An
     * EOI with nothing active, or of a special INTID, is ignored.
     */
    private void endOfInterrupt(int intid) {
        if (intid >= 1020 || (ap0 | ap1) == 0) {
            return;
        }
        int lowest = Integer.lowestOneBit(ap0 | ap1);
        if ((ap0 & lowest) != 0) {
            ap0 &= ~lowest;
        } else {
            ap1 &= ~lowest;
        }
        if ((ctlr & CTLR_EOIMODE) == 0) {
            deactivate(intid);
        }
    }

    /** ICC_DIR_EL1 (and EOI in EOImode 0): the interrupt is no longer active; a level source resamples. */
    private void deactivate(int intid) {
        Irq irq = gic.irq(cpu, intid);
        if (irq != null) {
            irq.deactivate();
        }
    }
}
