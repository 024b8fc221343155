package org.gunyah.vmm.hypervisor.emulated.gic;

/**
 * GICD, the distributor's 64 KiB frame: the SPIs' registers, GICD_CTLR's group enables and
 * GICD_IROUTER. Affinity routing is always on (ARE reads 1) and there is one security state (DS
 * reads 1), so the SGI/PPI registers here, ITARGETSR and GICD_SGIR read as zero. An offset it
 * does not implement reads as zero and ignores writes. Called under the GIC's lock.
 */
final class Distributor {
    static final int CTLR = 0x0000;
    static final int TYPER = 0x0004;
    static final int IIDR = 0x0008;
    static final int TYPER2 = 0x000c;
    static final int IROUTER = 0x6000;
    static final int CTLR_ARE = 1 << 4;
    static final int CTLR_DS = 1 << 6;

    private final Gicv3 gic;
    private final IrqRegisters.Bank spis;

    Distributor(Gicv3 gic) {
        this.gic = gic;
        this.spis = intid -> intid >= Gicv3.FIRST_SPI ? gic.irq(0, intid) : null;
    }

    long read(int offset, int size) {
        if (size == 8) {
            return read(offset, 4) | read(offset + 4, 4) << 32;
        }
        if (IrqRegisters.handles(offset)) {
            return IrqRegisters.read(spis, offset, size);
        }
        if (size != 4) {
            return 0;
        }
        if (offset >= IROUTER && offset < IROUTER + 8 * 1020) {
            Irq irq = spis.irq((offset - IROUTER) / 8);
            return irq == null ? 0 : (offset & 4) == 0 ? irq.route & 0xffff_ffffL : irq.route >>> 32;
        }
        if (offset >= IdRegisters.FIRST) {
            return IdRegisters.read(true, offset);
        }
        return switch (offset) {
            case CTLR -> gic.enables | CTLR_ARE | CTLR_DS; // RWP (bit 31) is 0: writes take effect at once
            case TYPER -> typer();
            case IIDR -> IdRegisters.IIDR;
            default -> 0; // TYPER2 (no extended ranges, no nASSGI), STATUSR, SETSPI, NSACR, SGIR...
        };
    }

    void write(int offset, int size, long value) {
        if (size == 8) {
            write(offset, 4, value & 0xffff_ffffL);
            write(offset + 4, 4, value >>> 32);
            return;
        }
        if (IrqRegisters.handles(offset)) {
            IrqRegisters.write(spis, offset, size, value);
        } else if (size == 4 && offset >= IROUTER && offset < IROUTER + 8 * 1020) {
            Irq irq = spis.irq((offset - IROUTER) / 8);
            if (irq != null) {
                irq.route = (offset & 4) == 0
                        ? (irq.route & ~0xffff_ffffL) | (value & 0x80ff_ffffL) // IRM, Aff2..Aff0
                        : (irq.route & 0xffff_ffffL) | (value & 0xff) << 32; // Aff3
            }
        } else if (size == 4 && offset == CTLR) {
            gic.enables = (int) value & 3;
        }
    }

    /**
     * ITLinesNumber for the INTIDs there are, CPUNumber (ignored under affinity routing), IDbits = 9
     * (INTIDs below 1024), no LPIs, no message-based SPIs, 1 of N routing, RSS (Aff0 up to 255 in
     * SGI target lists); no security extension.
     */
    private long typer() {
        int itLines = gic.lines / 32 - 1;
        int cpuNumber = Math.min(gic.cpuCount(), 8) - 1;
        return itLines | cpuNumber << 5 | 9 << 19 | 1 << 26;
    }
}
