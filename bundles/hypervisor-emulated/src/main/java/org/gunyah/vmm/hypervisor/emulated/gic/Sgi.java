package org.gunyah.vmm.hypervisor.emulated.gic;

/**
 * ICC_SGI1R_EL1 and ICC_SGI0R_EL1: an SGI to the vCPUs a target list names (Aff3.Aff2.Aff1 and a
 * 16-bit list of Aff0 values offset by RS * 16), or with IRM to every vCPU but the sender. A
 * target receives it only if its SGI is configured in the register's group. Under the GIC's lock.
 */
final class Sgi {
    private Sgi() {}

    static void send(Gicv3 gic, int sender, long value, boolean group1) {
        int intid = (int) (value >>> 24) & 0xf;
        if ((value & (1L << 40)) != 0) {
            for (int c = 0; c < gic.cpuCount(); c++) {
                if (c != sender) {
                    raise(gic, c, intid, group1);
                }
            }
            return;
        }
        long upper = (value >>> 16 & 0xff) | (value >>> 32 & 0xff) << 8 | (value >>> 48 & 0xff) << 16;
        if (upper != 0) {
            return; // Aff1..Aff3 of every vCPU here are 0
        }
        int rangeBase = (int) (value >>> 44 & 0xf) * 16;
        for (int bit = 0; bit < 16; bit++) {
            int c = rangeBase + bit;
            if ((value & (1L << bit)) != 0 && c < gic.cpuCount()) {
                raise(gic, c, intid, group1);
            }
        }
    }

    private static void raise(Gicv3 gic, int cpu, int intid, boolean group1) {
        Irq irq = gic.irq(cpu, intid);
        if (irq.group1 == group1) {
            irq.latch = true;
        }
    }
}
