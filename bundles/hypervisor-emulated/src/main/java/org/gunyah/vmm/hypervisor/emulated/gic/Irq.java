package org.gunyah.vmm.hypervisor.emulated.gic;

import java.util.function.IntPredicate;

/**
 * The state of one interrupt: an SGI or PPI of one vCPU (banked), or an SPI. Guarded by the GIC's
 * lock. Pending is the latch (an edge, a write to ISPENDR, an SGI) or, for a level-sensitive
 * interrupt, the input line; an interrupt that is active is not signalled again until deactivated.
 */
final class Irq {
    final int intid;
    boolean group1 = true;
    boolean enabled;
    /** ICFGR: edge-triggered (SGIs always are). */
    boolean edge;

    boolean latch;
    boolean line;
    boolean active;
    int priority;
    /** GICD_IROUTER, for SPIs: Aff3 [39:32], IRM [31], Aff2..Aff0 [23:0]. */
    long route;
    /**
     * A level source's resample at deactivation: answers whether it still asserts the line (a
     * level doorbell clears its acknowledged flags there).
     */
    IntPredicate resample;

    Irq(int intid) {
        this.intid = intid;
        this.edge = intid < Gicv3.FIRST_PPI;
    }

    boolean pending() {
        return latch || (!edge && line);
    }

    /** The input line changes; on an edge-triggered interrupt a rising edge latches it pending. */
    void input(boolean asserted) {
        if (edge && asserted && !line) {
            latch = true;
        }
        line = asserted;
    }

    void deactivate() {
        if (!active) {
            return;
        }
        active = false;
        if (resample != null) {
            boolean still = resample.test(intid);
            // A source still asserting after handling fires again, even on an edge configuration.
            if (still && edge) {
                latch = true;
            }
            line = still;
        }
    }
}
