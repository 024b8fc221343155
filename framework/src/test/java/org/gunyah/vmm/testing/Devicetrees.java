package org.gunyah.vmm.testing;

import org.gunyah.vmm.api.dt.DtNode;

/** VM devicetrees as the resource manager reads them (see {@code spi.hypervisor.VmDescription}). */
public final class Devicetrees {
    private Devicetrees() {}

    /** A devicetree with {@code cpus} vCPUs (reg 0..n-1) and the given doorbell nodes. */
    public static DtNode vm(int cpus, DtNode... doorbells) {
        DtNode.Builder cpusNode = DtNode.builder("cpus");
        for (int i = 0; i < cpus; i++) {
            cpusNode.child(DtNode.builder("cpu@" + i)
                    .property("device_type", "cpu")
                    .property("reg", i)
                    .build());
        }
        DtNode.Builder hyp =
                DtNode.builder("hypervisor").property("compatible", "gunyah-hypervisor-1.0", "gunyah-hypervisor");
        for (DtNode d : doorbells) {
            hyp.child(d);
        }
        return DtNode.builder("").child(cpusNode.build()).child(hyp.build()).build();
    }

    /** A doorbell node with a BELL_TX label, an SPI and a target vCPU. */
    public static DtNode doorbell(int label, int spi, int targetCpu) {
        return DtNode.builder("doorbell@" + label)
                .property("compatible", "gunyah-doorbell")
                .property("gunyah,label", label)
                .property("interrupts", 0, spi, 1)
                .property("gunyah,target-cpu", targetCpu)
                .build();
    }
}
