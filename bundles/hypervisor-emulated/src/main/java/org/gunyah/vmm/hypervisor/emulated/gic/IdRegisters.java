package org.gunyah.vmm.hypervisor.emulated.gic;

/**
 * The CoreSight-style identification registers at the top of each GIC frame (0xffd0..0xfffc):
 * PIDR2.ArchRev = 3 says GICv3, which Linux checks for the distributor and every redistributor.
 */
final class IdRegisters {
    static final int FIRST = 0xffd0;
    /** GICD_IIDR and GICR_IIDR: implementer Arm (0x43b), product 0x47. */
    static final int IIDR = 0x4700_043b;

    // PIDR4..PIDR7, PIDR0..PIDR3, CIDR0..CIDR3, as a GIC-500-like part numbers them.
    private static final int[] DISTRIBUTOR = {0x44, 0, 0, 0, 0x92, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};
    private static final int[] REDISTRIBUTOR = {0x44, 0, 0, 0, 0x93, 0xb4, 0x3b, 0, 0x0d, 0xf0, 0x05, 0xb1};

    private IdRegisters() {}

    static long read(boolean distributor, int offset) {
        return (distributor ? DISTRIBUTOR : REDISTRIBUTOR)[(offset - FIRST) / 4];
    }
}
