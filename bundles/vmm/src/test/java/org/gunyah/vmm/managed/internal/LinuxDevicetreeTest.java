package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.DtProperty;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.spi.hypervisor.VmDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The devicetree of a Linux VM, read back from its DTB as Linux reads it: every node and property it needs. */
class LinuxDevicetreeTest {
    private static final long RAM = 0x4000_0000L;
    private static final long RAM_SIZE = 512L << 20;
    private static final long INITRD = 0x4200_0000L;
    private static final long INITRD_END = INITRD + 12345;
    private static final int PL011_LABEL = Devices.PL011_LABEL;

    @TempDir
    Path dir;

    private static LinuxBoot boot(Optional<Path> initrd) {
        ArmLinuxImage image = new ArmLinuxImage(Path.of("Image"), 0x100_0000, 0, 0x200_0000, 2);
        return new LinuxBoot(
                image,
                initrd,
                "console=ttyAMA0 panic=-1",
                new LinuxBoot.Layout(
                        RAM, RAM_SIZE, RAM, RAM + 0x200_0000, INITRD, initrd.isPresent() ? INITRD_END : INITRD));
    }

    private static VmSpec spec(Devices.Model... models) {
        return VmSpec.of("linux")
                .withMemory(RAM_SIZE)
                .withBoot(Boot.Linux.of(Path.of("Image")))
                .withDevices(models.length == 0 ? EnumSet.noneOf(Devices.Model.class) : EnumSet.of(models[0], models));
    }

    private static List<FunctionDesc> functions(int vcpus, IrqfdArg... irqfds) {
        List<FunctionDesc> out = new java.util.ArrayList<>();
        for (int i = 0; i < vcpus; i++) {
            out.add(new VcpuArg(i).desc());
        }
        for (IrqfdArg irqfd : irqfds) {
            out.add(irqfd.desc());
        }
        return out;
    }

    /** The DTB of a 2-vCPU VM with every device, an initrd, a user's irqfd and the PL011's, decoded. */
    private static DtNode full() throws Exception {
        DevicetreeSources sources = new DevicetreeSources(
                spec(Devices.Model.PL011, Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER),
                functions(2, new IrqfdArg(5, 0, 0), new IrqfdArg(6, PL011_LABEL, IrqfdArg.LEVEL)),
                Map.of());
        return Fdt.decode(Fdt.encode(LinuxDevicetree.of(sources, boot(Optional.of(Path.of("initrd"))))));
    }

    @Test
    void aDeviceOfADeviceBundleIsANodeWithItsWindowItsSpiAndItsDoorbellTakesThatSpi() throws Exception {
        int label = (int) PluggedDevice.FIRST_BASE;
        DevicetreeSources sources = new DevicetreeSources(
                spec(Devices.Model.PL011),
                functions(1, new IrqfdArg(5, 0, 0), new IrqfdArg(7, label, IrqfdArg.LEVEL)),
                Map.of(),
                List.of(new DevicetreeSources.DeviceNode(
                        "virtio-rng", "virtio,mmio", PluggedDevice.FIRST_BASE, 0x200, 16, label)));
        DtNode root = Fdt.decode(Fdt.encode(LinuxDevicetree.of(sources, boot(Optional.empty()))));
        String node = "/virtio-rng@b000000";

        assertEquals(List.of("virtio,mmio"), prop(root, node, "compatible").asStrings());
        assertArrayEquals(new int[] {0, 0x0b00_0000, 0, 0x200}, cells(root, node, "reg"));
        assertArrayEquals(new int[] {0, 16, 4}, cells(root, node, "interrupts"));
        assertTrue(root.find(node).orElseThrow().property("dma-coherent").isPresent());
        assertArrayEquals(
                new int[] {0, 16, 4}, cells(root, "/hypervisor/doorbell-" + Integer.toHexString(label), "interrupts"));
        assertArrayEquals(new int[] {0, 0, 1}, cells(root, "/hypervisor/doorbell-0", "interrupts"));
    }

    private static DtProperty prop(DtNode root, String path, String name) {
        return root.find(path)
                .orElseThrow(() -> new AssertionError("no node " + path))
                .property(name)
                .orElseThrow(() -> new AssertionError("no " + path + " " + name));
    }

    private static int[] cells(DtNode root, String path, String name) {
        return prop(root, path, name).asU32Cells();
    }

    @Test
    void theRootIsAVirtBoardWithTheGicAsInterruptParent() throws Exception {
        DtNode root = full();

        assertEquals(2, prop(root, "/", "#address-cells").asU32());
        assertEquals(2, prop(root, "/", "#size-cells").asU32());
        assertEquals(List.of("linux,dummy-virt"), prop(root, "/", "compatible").asStrings());
        assertEquals(
                prop(root, "/intc@8000000", "phandle").asU32(),
                prop(root, "/", "interrupt-parent").asU32());
    }

    @Test
    void memoryIsTheVmsRam() throws Exception {
        DtNode root = full();

        assertEquals("memory", prop(root, "/memory@40000000", "device_type").asString());
        assertArrayEquals(new int[] {0, 0x4000_0000, 0, 0x2000_0000}, cells(root, "/memory@40000000", "reg"));
    }

    @Test
    void eachVcpuIsACortexA57CpuStartedByPsci() throws Exception {
        DtNode root = full();

        assertEquals(1, prop(root, "/cpus", "#address-cells").asU32());
        assertEquals(0, prop(root, "/cpus", "#size-cells").asU32());
        for (int n = 0; n < 2; n++) {
            String cpu = "/cpus/cpu@" + n;
            assertEquals("cpu", prop(root, cpu, "device_type").asString());
            assertEquals(
                    List.of("arm,cortex-a57"), prop(root, cpu, "compatible").asStrings());
            assertEquals(n, prop(root, cpu, "reg").asU32(), "MPIDR Aff0");
            assertEquals("psci", prop(root, cpu, "enable-method").asString());
        }
        assertEquals(2, root.find("/cpus").orElseThrow().children().size());
    }

    @Test
    void psciIsVersion1OverHvc() throws Exception {
        DtNode root = full();

        assertEquals(
                List.of("arm,psci-1.0", "arm,psci-0.2"),
                prop(root, "/psci", "compatible").asStrings());
        assertEquals("hvc", prop(root, "/psci", "method").asString());
    }

    @Test
    void theGicV3HasItsDistributorAndARedistributorPerVcpu() throws Exception {
        DtNode root = full();
        String gic = "/intc@8000000";

        assertEquals(List.of("arm,gic-v3"), prop(root, gic, "compatible").asStrings());
        assertEquals(3, prop(root, gic, "#interrupt-cells").asU32());
        assertTrue(prop(root, gic, "interrupt-controller").isEmpty());
        assertEquals(1, prop(root, gic, "#redistributor-regions").asU32());
        assertArrayEquals(
                new int[] {0, 0x0800_0000, 0, 0x1_0000, 0, 0x080A_0000, 0, 2 * 0x2_0000}, cells(root, gic, "reg"));
    }

    @Test
    void theTimerHasItsFourPpisLevelHighAndIsAlwaysOn() throws Exception {
        DtNode root = full();

        assertTrue(prop(root, "/timer", "compatible").asStrings().contains("arm,armv8-timer"));
        assertArrayEquals(new int[] {1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4}, cells(root, "/timer", "interrupts"));
        assertTrue(prop(root, "/timer", "always-on").isEmpty());
    }

    @Test
    void thePl011IsAPrimecellWithItsSpiAndTheApbClock() throws Exception {
        DtNode root = full();
        String uart = "/pl011@9002000";
        int clock = prop(root, "/apb-pclk", "phandle").asU32();

        assertEquals(
                List.of("arm,pl011", "arm,primecell"),
                prop(root, uart, "compatible").asStrings());
        assertArrayEquals(new int[] {0, 0x0900_2000, 0, 0x1000}, cells(root, uart, "reg"));
        assertArrayEquals(new int[] {0, Devices.PL011_SPI, 4}, cells(root, uart, "interrupts"));
        assertArrayEquals(new int[] {clock, clock}, cells(root, uart, "clocks"));
        assertEquals(
                List.of("uartclk", "apb_pclk"), prop(root, uart, "clock-names").asStrings());
        assertEquals(
                List.of("fixed-clock"), prop(root, "/apb-pclk", "compatible").asStrings());
        assertEquals(0, prop(root, "/apb-pclk", "#clock-cells").asU32());
        assertEquals(24_000_000, prop(root, "/apb-pclk", "clock-frequency").asU32());
    }

    @Test
    void chosenHasTheBootargsThePl011AsStdoutAndTheInitrd() throws Exception {
        DtNode root = full();

        assertEquals(
                "console=ttyAMA0 panic=-1", prop(root, "/chosen", "bootargs").asString());
        assertEquals("/pl011@9002000", prop(root, "/chosen", "stdout-path").asString());
        assertTrue(root.find(prop(root, "/chosen", "stdout-path").asString()).isPresent(), "stdout-path names a node");
        assertEquals(INITRD, prop(root, "/chosen", "linux,initrd-start").asU64());
        assertEquals(INITRD_END, prop(root, "/chosen", "linux,initrd-end").asU64());
    }

    @Test
    void withoutAnInitrdOrAPl011ChosenNamesNeither() throws Exception {
        DtNode root = LinuxDevicetree.of(
                new DevicetreeSources(spec(Devices.Model.CONSOLE), functions(1), Map.of()), boot(Optional.empty()));

        DtNode chosen = root.find("/chosen").orElseThrow();
        assertTrue(chosen.property("linux,initrd-start").isEmpty());
        assertTrue(chosen.property("stdout-path").isEmpty());
        assertTrue(root.find("/pl011@9002000").isEmpty());
    }

    @Test
    void theDoorbellsAreThereAsTheResourceManagerReadsThemAndAvoidThePl011sSpi() throws Exception {
        DtNode root = full();

        VmDescription d = VmDescription.from(root);

        assertEquals(List.of(0, 1), d.cpus());
        assertEquals(
                List.of(
                        new VmDescription.Doorbell(0, 0, 0),
                        new VmDescription.Doorbell(PL011_LABEL, Devices.PL011_SPI, 0)),
                d.doorbells());
    }

    @Test
    void aUsersIrqfdNeverGetsThePl011sSpiEvenWithoutThePl011sIrqfd() throws Exception {
        DtNode root = LinuxDevicetree.of(
                new DevicetreeSources(
                        spec(Devices.Model.PL011),
                        functions(1, new IrqfdArg(5, 0, 0), new IrqfdArg(6, 1, 0), new IrqfdArg(7, 2, 0)),
                        Map.of()),
                boot(Optional.empty()));

        assertEquals(
                List.of(0, 2, 3),
                VmDescription.from(root).doorbells().stream()
                        .map(VmDescription.Doorbell::spi)
                        .toList());
    }

    @Test
    void dtcDecompilesItWithoutAWarning() throws Exception {
        assumeTrue(onPath("dtc"), "dtc is not installed (apt-get install device-tree-compiler)");
        Path dtb = Files.write(dir.resolve("linux.dtb"), Fdt.encode(full()));

        Process dtc = new ProcessBuilder(
                        "dtc",
                        "-I",
                        "dtb",
                        "-O",
                        "dts",
                        "-o",
                        dir.resolve("linux.dts").toString(),
                        dtb.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(dtc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(dtc.waitFor(30, TimeUnit.SECONDS), "dtc ended");

        assertEquals(0, dtc.exitValue(), out);
        assertEquals("", out.strip(), "dtc's warnings");
        assertFalse(Files.readString(dir.resolve("linux.dts")).isEmpty());
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
