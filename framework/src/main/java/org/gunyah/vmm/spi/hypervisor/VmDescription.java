package org.gunyah.vmm.spi.hypervisor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.DtProperty;

/**
 * What a VM's devicetree declares to the resource manager (in Gunyah the RM reads the VM's DT
 * too), for every backend:
 *
 * <pre>
 * / {
 *     cpus {
 *         cpu@0 { device_type = "cpu"; reg = &lt;0&gt;; };     one VCPU resource per cpu, label = reg
 *         cpu@1 { ...; enable-method = "psci"; };        optional: waits for PSCI CPU_ON
 *         ...
 *     };
 *     hypervisor {
 *         compatible = "gunyah-hypervisor-1.0", "gunyah-hypervisor";
 *         doorbell@5 {
 *             compatible = "gunyah-doorbell";
 *             gunyah,label = &lt;5&gt;;                 the BELL_TX label an irqfd names
 *             interrupts = &lt;0 4 1&gt;;                SPI 4; the third cell is informational
 *             gunyah,target-cpu = &lt;0&gt;;             optional, default 0: the vCPU the SPI goes to
 *         };
 *     };
 *     intc@8000000 {                                optional: the GICv3 the VM's vCPUs have
 *         compatible = "arm,gic-v3";
 *         reg = &lt;0 0x08000000 0 0x10000&gt;,        GICD base and size (64 KiB at least)
 *               &lt;0 0x080a0000 0 0xf60000&gt;;      GICR base and size (128 KiB per vCPU at least)
 *     };
 * };
 * </pre>
 *
 * cpu reg values are 0..63 and distinct; SPIs are 0..987 and distinct. Doorbell labels may repeat
 * (the RM does not enforce uniqueness; tickets take the first). How an SPI reaches the guest is the
 * backend's: the emulated GIC raises INTID 32 + SPI, KVM a GSI of its in-kernel IOAPIC.
 *
 * <p>A cpu whose {@code enable-method} is {@code "psci"} is started by the guest: the boot cpu (the
 * first one) starts at the entry point, the others powered off until the guest's PSCI CPU_ON
 * ({@link #startsPoweredOff}), as a Linux guest expects. Without it every cpu starts at the entry.
 *
 * @param psciCpus the reg values of the cpus whose enable-method is "psci"
 */
public record VmDescription(List<Integer> cpus, List<Doorbell> doorbells, Gic gic, Set<Integer> psciCpus) {
    public static final int MAX_CPUS = 64;

    /** A VM none of whose cpus is started by PSCI. */
    public VmDescription(List<Integer> cpus, List<Doorbell> doorbells) {
        this(cpus, doorbells, Gic.DEFAULT, Set.of());
    }

    /** Whether the cpu at {@code index} of {@link #cpus} waits, powered off, for PSCI CPU_ON. */
    public boolean startsPoweredOff(int index) {
        return index > 0 && psciCpus.contains(cpus.get(index));
    }

    /** A doorbell node: its label, SPI number and target vCPU index (an index into {@link #cpus}). */
    public record Doorbell(int label, int spi, int targetCpu) {}

    /**
     * Where the GICv3's distributor and redistributors are in guest physical memory: from the node
     * compatible "arm,gic-v3" (reg cells as its parent's #address-cells and #size-cells say), else
     * {@link #DEFAULT}, the platform's memory map.
     */
    public record Gic(long distributorBase, long distributorSize, long redistributorBase, long redistributorSize) {
        public static final long DISTRIBUTOR_SIZE = 0x1_0000;
        public static final long REDISTRIBUTOR_SIZE = 0x2_0000;
        public static final Gic DEFAULT =
                new Gic(0x0800_0000L, DISTRIBUTOR_SIZE, 0x080a_0000L, MAX_CPUS * REDISTRIBUTOR_SIZE);
    }

    public static VmDescription from(DtNode root) throws GunyahException {
        DtNode cpusNode = root.child("cpus").orElseThrow(() -> invalid("no /cpus node"));
        List<Integer> cpus = new ArrayList<>();
        Set<Integer> psci = new HashSet<>();
        for (DtNode cpu : cpusNode.children()) {
            if (!cpu.name().startsWith("cpu")) {
                continue;
            }
            int reg = u32(cpu, "reg");
            if (reg < 0 || reg >= MAX_CPUS || cpus.contains(reg)) {
                throw invalid("/cpus/%s: reg %d is out of range 0..%d or repeated", cpu.name(), reg, MAX_CPUS - 1);
            }
            cpus.add(reg);
            if (cpu.property("enable-method")
                    .map(DtProperty::asStrings)
                    .orElse(List.of())
                    .contains("psci")) {
                psci.add(reg);
            }
        }
        if (cpus.isEmpty()) {
            throw invalid("/cpus declares no cpu");
        }
        List<Doorbell> bells = new ArrayList<>();
        Set<Integer> spis = new HashSet<>();
        DtNode hyp = root.child("hypervisor").orElse(null);
        if (hyp != null) {
            for (DtNode n : hyp.children()) {
                if (!n.property("compatible")
                        .map(DtProperty::asStrings)
                        .orElse(List.of())
                        .contains("gunyah-doorbell")) {
                    continue;
                }
                int label = u32(n, "gunyah,label");
                int[] irq = n.property("interrupts")
                        .map(DtProperty::asU32Cells)
                        .orElseThrow(() -> invalid("/hypervisor/%s: no interrupts property", n.name()));
                if (irq.length != 3 || irq[0] != 0 || irq[1] < 0 || irq[1] > 987) {
                    throw invalid("/hypervisor/%s: interrupts must be <0 spi flags> with spi 0..987", n.name());
                }
                if (!spis.add(irq[1])) {
                    throw invalid("/hypervisor/%s: SPI %d is already used by another doorbell", n.name(), irq[1]);
                }
                int target =
                        n.property("gunyah,target-cpu").isPresent() ? u32(n, "gunyah,target-cpu") : cpus.getFirst();
                int index = cpus.indexOf(target);
                if (index < 0) {
                    throw invalid("/hypervisor/%s: target cpu %d is not declared in /cpus", n.name(), target);
                }
                bells.add(new Doorbell(label, irq[1], index));
            }
        }
        return new VmDescription(List.copyOf(cpus), List.copyOf(bells), gic(root, cpus.size()), Set.copyOf(psci));
    }

    private static Gic gic(DtNode root, int cpuCount) throws GunyahException {
        long[] reg = findGicReg(root);
        if (reg == null) {
            return Gic.DEFAULT;
        }
        Gic gic = new Gic(reg[0], reg[1], reg[2], reg[3]);
        if (gic.distributorSize() < Gic.DISTRIBUTOR_SIZE) {
            throw invalid("the arm,gic-v3 node's GICD region is 0x%x bytes, less than 64 KiB", gic.distributorSize());
        }
        if (gic.redistributorSize() < cpuCount * Gic.REDISTRIBUTOR_SIZE) {
            throw invalid(
                    "the arm,gic-v3 node's GICR region is 0x%x bytes; %d vCPUs need 0x%x (128 KiB each)",
                    gic.redistributorSize(), cpuCount, cpuCount * Gic.REDISTRIBUTOR_SIZE);
        }
        return gic;
    }

    /**
     * GICD base, size, GICR base, size of the first node below {@code node} compatible
     * "arm,gic-v3", or null; its reg is in the cells its parent declares (the spec's defaults: 2, 1).
     */
    private static long[] findGicReg(DtNode node) throws GunyahException {
        int parentAddressCells = cellCount(node, "#address-cells", 2);
        int parentSizeCells = cellCount(node, "#size-cells", 1);
        for (DtNode child : node.children()) {
            boolean gic = child.property("compatible")
                    .map(DtProperty::asStrings)
                    .orElse(List.of())
                    .contains("arm,gic-v3");
            if (gic) {
                int[] cells = child.property("reg")
                        .map(DtProperty::asU32Cells)
                        .orElseThrow(() -> invalid("%s: the arm,gic-v3 node has no reg property", child.name()));
                int pair = parentAddressCells + parentSizeCells;
                if (parentAddressCells < 1
                        || parentAddressCells > 2
                        || parentSizeCells > 2
                        || cells.length < 2 * pair) {
                    throw invalid("%s: reg must give the GICD and GICR regions as <address size> pairs", child.name());
                }
                return new long[] {
                    cells(cells, 0, parentAddressCells),
                    cells(cells, parentAddressCells, parentSizeCells),
                    cells(cells, pair, parentAddressCells),
                    cells(cells, pair + parentAddressCells, parentSizeCells)
                };
            }
            long[] found = findGicReg(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }

    private static int cellCount(DtNode node, String name, int otherwise) throws GunyahException {
        return node.property(name).isPresent() ? u32(node, name) : otherwise;
    }

    /** {@code count} (1 or 2) big-endian cells from {@code at} as one number. */
    private static long cells(int[] cells, int at, int count) {
        long v = 0;
        for (int i = 0; i < count; i++) {
            v = v << 32 | (cells[at + i] & 0xffff_ffffL);
        }
        return v;
    }

    private static int u32(DtNode node, String name) throws GunyahException {
        DtProperty p = node.property(name).orElseThrow(() -> invalid("%s: no %s property", node.name(), name));
        try {
            return p.asU32();
        } catch (RuntimeException e) {
            throw invalid("%s: %s is not one u32 cell", node.name(), name);
        }
    }

    private static GunyahException invalid(String format, Object... args) {
        return GunyahException.of(Errno.EINVAL, "VM devicetree: " + format, args);
    }
}
