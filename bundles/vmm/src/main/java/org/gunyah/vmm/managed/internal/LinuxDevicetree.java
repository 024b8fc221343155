package org.gunyah.vmm.managed.internal;

import java.util.HashSet;
import java.util.Set;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.VmSpec;

/**
 * The devicetree a Linux VM starts with, shaped as QEMU's {@code virt} board writes it for
 * {@code gic-version=3 -cpu cortex-a57}, from the VM's functions and device models:
 *
 * <pre>
 * /                 #address-cells = #size-cells = 2, compatible "linux,dummy-virt", interrupt-parent = the GIC
 * memory@40000000   the VM's RAM
 * cpus/cpu@N        one per vcpu function: reg = N (MPIDR Aff0), cortex-a57, enable-method "psci"
 * psci              PSCI 1.0 (and 0.2) over HVC
 * intc@8000000      GICv3: distributor, then 128 KiB of redistributor per vCPU
 * timer             the generic timer's PPIs 13, 14, 11, 10 (secure and non-secure physical,
 *                   virtual, hypervisor), level high
 * apb-pclk          the 24 MHz fixed clock the PL011's driver asks for
 * pl011@9002000     the PL011 (when the VM has the model), SPI {@link Devices#PL011_SPI}, level high
 * console@9000000   the console register (when the VM has the model)
 * MODEL@b000000     each device of a device bundle: compatible, reg = its window, its SPI level high,
 *                   dma-coherent (a virtio-mmio transport: compatible "virtio,mmio")
 * hypervisor        the doorbells, one per irqfd label, as the resource manager reads them
 * chosen            bootargs, stdout-path = the PL011, linux,initrd-start/end
 * </pre>
 *
 * The timer's flags carry no CPU mask: the mask is a GICv2 notion, which QEMU writes only for
 * {@code gic-version=2} and Linux's GICv3 driver ignores. The doorbell nodes are named
 * {@code doorbell-<label>}, without a unit address, as they have no {@code reg}.
 */
final class LinuxDevicetree {
    static final long GICD_BASE = 0x0800_0000L;
    static final long GICD_SIZE = 0x1_0000L;
    static final long GICR_BASE = 0x080A_0000L;
    /** Each vCPU's redistributor: RD_base then SGI_base, 64 KiB each. */
    static final long GICR_STRIDE = 0x2_0000L;

    static final int GIC_PHANDLE = 1;
    static final int CLOCK_PHANDLE = 2;
    static final int APB_PCLK_HZ = 24_000_000;
    /** The third interrupt cell: edge rising and level high. */
    static final int EDGE = 1;

    static final int LEVEL_HIGH = 4;
    /** interrupts cell 0: SPI or PPI. */
    static final int SPI = 0;

    static final int PPI = 1;

    private LinuxDevicetree() {}

    static DtNode of(DevicetreeSources sources, LinuxBoot boot) throws GunyahException {
        VmSpec spec = sources.spec();
        boolean pl011 = spec.devices().contains(Devices.Model.PL011);
        Set<Integer> deviceSpis = new HashSet<>();
        if (pl011) {
            deviceSpis.add(Devices.PL011_SPI);
        }
        sources.devices().forEach(d -> deviceSpis.add(d.spi()));
        VmTopology topology = VmTopology.of(sources, deviceSpis);
        DtNode.Builder root = DtNode.builder("")
                .property("#address-cells", 2)
                .property("#size-cells", 2)
                .property("compatible", "linux,dummy-virt")
                .property("model", "linux,dummy-virt")
                .property("interrupt-parent", GIC_PHANDLE)
                .child(GuestDevicetree.memory(spec))
                .child(cpus(topology))
                .child(DtNode.builder("psci")
                        .property("compatible", "arm,psci-1.0", "arm,psci-0.2")
                        .property("method", "hvc")
                        .build())
                .child(gic(topology.cpus().size()))
                .child(DtNode.builder("timer")
                        .property("compatible", "arm,armv8-timer", "arm,armv7-timer")
                        .property(
                                "interrupts",
                                PPI,
                                13,
                                LEVEL_HIGH,
                                PPI,
                                14,
                                LEVEL_HIGH,
                                PPI,
                                11,
                                LEVEL_HIGH,
                                PPI,
                                10,
                                LEVEL_HIGH)
                        .property("always-on")
                        .build())
                .child(DtNode.builder("apb-pclk")
                        .property("compatible", "fixed-clock")
                        .property("#clock-cells", 0)
                        .property("clock-frequency", APB_PCLK_HZ)
                        .property("clock-output-names", "clk24mhz")
                        .property("phandle", CLOCK_PHANDLE)
                        .build());
        if (pl011) {
            root.child(DtNode.builder(pl011Name())
                    .property("compatible", "arm,pl011", "arm,primecell")
                    .propertyU64("reg", Devices.PL011_BASE, Devices.PL011_SIZE)
                    .property("interrupts", SPI, Devices.PL011_SPI, LEVEL_HIGH)
                    .property("clocks", CLOCK_PHANDLE, CLOCK_PHANDLE)
                    .property("clock-names", "uartclk", "apb_pclk")
                    .build());
        }
        if (spec.devices().contains(Devices.Model.CONSOLE)) {
            root.child(GuestDevicetree.console());
        }
        sources.devices().forEach(d -> root.child(GuestDevicetree.device(d, LEVEL_HIGH)));
        DtNode.Builder hyp = GuestDevicetree.hypervisor();
        for (VmTopology.Doorbell bell : topology.doorbells()) {
            hyp.child(GuestDevicetree.doorbell(
                    "doorbell-" + Integer.toHexString(bell.label()), bell, bell.level() ? LEVEL_HIGH : EDGE));
        }
        root.child(hyp.build());
        root.child(chosen(boot, pl011));
        return root.build();
    }

    /** The PL011's node name; {@code /chosen/stdout-path} is it with a leading slash. */
    static String pl011Name() {
        return "pl011@" + Long.toHexString(Devices.PL011_BASE);
    }

    private static DtNode cpus(VmTopology topology) {
        DtNode.Builder cpus =
                DtNode.builder("cpus").property("#address-cells", 1).property("#size-cells", 0);
        for (int id : topology.cpus()) {
            cpus.child(DtNode.builder("cpu@" + Integer.toHexString(id))
                    .property("device_type", "cpu")
                    .property("compatible", "arm,cortex-a57")
                    .property("reg", id)
                    .property("enable-method", "psci")
                    .build());
        }
        return cpus.build();
    }

    /** The GICv3, as the resource manager reads it too: reg = distributor, then the redistributors of every vCPU. */
    private static DtNode gic(int vcpus) {
        return DtNode.builder("intc@" + Long.toHexString(GICD_BASE))
                .property("compatible", "arm,gic-v3")
                .property("#interrupt-cells", 3)
                .property("interrupt-controller")
                .property("#redistributor-regions", 1)
                .propertyU64("reg", GICD_BASE, GICD_SIZE, GICR_BASE, GICR_STRIDE * Math.max(1, vcpus))
                // as QEMU's: an interrupt provider states its address cells (for ITS children)
                .property("#address-cells", 2)
                .property("#size-cells", 2)
                .property("ranges")
                .property("phandle", GIC_PHANDLE)
                .build();
    }

    private static DtNode chosen(LinuxBoot boot, boolean pl011) {
        DtNode.Builder chosen = DtNode.builder("chosen").property("bootargs", boot.bootargs());
        if (pl011) {
            chosen.property("stdout-path", "/" + pl011Name());
        }
        LinuxBoot.Layout layout = boot.layout();
        if (boot.initrd().isPresent()) {
            chosen.propertyU64("linux,initrd-start", layout.initrd());
            chosen.propertyU64("linux,initrd-end", layout.initrdEnd());
        }
        return chosen.build();
    }
}
