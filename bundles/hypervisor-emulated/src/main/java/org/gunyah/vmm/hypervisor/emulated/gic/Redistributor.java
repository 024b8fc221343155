package org.gunyah.vmm.hypervisor.emulated.gic;

/**
 * GICR of one vCPU, 128 KiB: RD_base (control, identification, the WAKER handshake) then SGI_base
 * (its SGIs' and PPIs' registers, laid out as the distributor's). No LPIs: GICR_CTLR, PROPBASER
 * and PENDBASER read as zero. An offset it does not implement reads as zero and ignores writes.
 * Called under the GIC's lock.
 */
final class Redistributor {
    static final int CTLR = 0x0000;
    static final int IIDR = 0x0004;
    static final int TYPER = 0x0008;
    static final int WAKER = 0x0014;
    static final int SGI_BASE = 0x1_0000;
    static final int WAKER_PROCESSOR_SLEEP = 1 << 1;
    static final int WAKER_CHILDREN_ASLEEP = 1 << 2;

    private final Gicv3 gic;
    private final int cpu;
    private final IrqRegisters.Bank banked;
    /**
     * GICR_WAKER.ProcessorSleep; ChildrenAsleep follows it at once (the interface has nothing in
     * flight). Delivery does not depend on it, as with KVM's and QEMU's GICv3.
     */
    private boolean asleep = true;

    Redistributor(Gicv3 gic, int cpu) {
        this.gic = gic;
        this.cpu = cpu;
        this.banked = intid -> intid < Gicv3.FIRST_SPI ? gic.irq(cpu, intid) : null;
    }

    long read(int offset, int size) {
        if (size == 8) {
            return read(offset, 4) | read(offset + 4, 4) << 32;
        }
        if (offset >= SGI_BASE) {
            int o = offset - SGI_BASE;
            return IrqRegisters.handles(o) ? IrqRegisters.read(banked, o, size) : 0;
        }
        if (size != 4) {
            return 0;
        }
        if (offset >= IdRegisters.FIRST) {
            return IdRegisters.read(false, offset);
        }
        return switch (offset) {
            case IIDR -> IdRegisters.IIDR;
            case TYPER -> typer() & 0xffff_ffffL;
            case TYPER + 4 -> typer() >>> 32;
            case WAKER -> asleep ? WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP : 0;
            default -> 0; // CTLR (no LPIs, RWP 0), STATUSR, PROPBASER, PENDBASER...
        };
    }

    void write(int offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value & 0xffff_ffffL);
            write(offset + 4, 4, value >>> 32);
        } else if (offset >= SGI_BASE) {
            int o = offset - SGI_BASE;
            if (IrqRegisters.handles(o)) {
                IrqRegisters.write(banked, o, size, value);
            }
        } else if (size == 4 && offset == WAKER) {
            asleep = (value & WAKER_PROCESSOR_SLEEP) != 0;
        }
    }

    /** Affinity (as MPIDR_EL1's), Processor_Number, Last on the last frame; no LPIs, no vLPIs. */
    private long typer() {
        long last = cpu == gic.cpuCount() - 1 ? 1 << 4 : 0;
        return Gicv3.affinity(cpu) << 32 | (long) cpu << 8 | last;
    }
}
