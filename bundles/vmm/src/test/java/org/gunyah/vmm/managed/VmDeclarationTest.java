package org.gunyah.vmm.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.junit.jupiter.api.Test;

class VmDeclarationTest {
    private static final Path HOME = Path.of("/opt/gunyah");

    private static Errno errno(Map<String, ?> properties) {
        return assertThrows(GunyahException.class, () -> VmDeclaration.parse(properties, HOME))
                .errno();
    }

    @Test
    void everyPropertyIsRead() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(
                Map.of(
                        "name",
                        "demo",
                        "hypervisor",
                        "emulated",
                        "memory",
                        "2M",
                        "image",
                        "guests/demo.bin",
                        "vcpus",
                        "2",
                        "irqfds",
                        new String[] {"label=1", "label=2 level=true"},
                        "ioeventfds",
                        List.of("addr=0x0a000000 len=4 irq=1", "addr=0x0a000008 len=8 datamatch=7"),
                        "service.pid",
                        "org.gunyah.vmm.vm~demo",
                        "felix.fileinstall.filename",
                        "file:/x.cfg"),
                HOME);

        assertEquals("demo", d.spec().name());
        assertEquals(Optional.of("emulated"), d.spec().hypervisor());
        assertEquals(2 << 20, d.spec().memorySize());
        assertEquals(
                Optional.of(Path.of("/opt/gunyah/guests/demo.bin")), d.spec().image());
        assertEquals(2, d.vcpus());
        assertEquals(
                new IrqfdArg(9, 2, IrqfdArg.LEVEL).desc(),
                d.irqfds().get(1).fields().desc(9));
        assertEquals(Optional.of(1), d.ioeventfds().get(0).irq());
        assertEquals(
                IoeventfdArg.matching(0x0a000008, 8, 7, 5).desc(),
                d.ioeventfds().get(1).fields().desc(5));
    }

    @Test
    void anIrqfdMayAimItsInterruptAtAVcpuOfTheVm() throws GunyahException {
        VmDeclaration d =
                VmDeclaration.parse(Map.of("name", "a", "vcpus", "2", "irqfds", "label=1 cpu=1, label=2"), HOME);

        assertEquals(Optional.of(1), d.irqfds().get(0).cpu());
        assertEquals(Optional.empty(), d.irqfds().get(1).cpu());
        assertEquals(
                Errno.EINVAL,
                assertThrows(
                                GunyahException.class,
                                () -> VmDeclaration.parse(
                                        Map.of("name", "a", "vcpus", "2", "irqfds", "label=1 cpu=2"), HOME))
                        .errno());
    }

    @Test
    void listsMayBeCommaSeparatedStrings() throws GunyahException {
        assertEquals(
                2,
                VmDeclaration.parse(Map.of("name", "a", "irqfds", "label=1, label=2"), HOME)
                        .irqfds()
                        .size());
    }

    @Test
    void defaultsAreOneVcpuAndSixteenMebibytes() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(Map.of("name", "a"), HOME);

        assertEquals(1, d.vcpus());
        assertEquals(VmSpec.DEFAULT_MEMORY, d.spec().memorySize());
        assertTrue(d.spec().image().isEmpty());
    }

    @Test
    void devicesChooseTheDeviceModels() throws GunyahException {
        assertEquals(
                java.util.Set.of(Devices.Model.CONSOLE),
                VmDeclaration.parse(Map.of("name", "a", "devices", "console"), HOME)
                        .spec()
                        .devices());
        assertEquals(
                java.util.Set.of(Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER),
                VmDeclaration.parse(Map.of("name", "a"), HOME).spec().devices());
        assertEquals(
                java.util.Set.of(Devices.Model.PL011),
                VmDeclaration.parse(Map.of("name", "a", "devices", "pl011"), HOME)
                        .spec()
                        .devices());
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "devices", "console extra=1")));
    }

    @Test
    void otherDevicesAreDeviceBundlesModelsWithTheirOptionsInOrder() throws GunyahException {
        VmSpec spec = VmDeclaration.parse(
                        Map.of("name", "a", "devices", "pl011, virtio-blk file=disk.img readonly=true, virtio-rng"),
                        HOME)
                .spec();

        assertEquals(java.util.Set.of(Devices.Model.PL011), spec.devices());
        assertEquals(
                List.of(
                        new DeviceSpec("virtio-blk", Map.of("file", "/opt/gunyah/disk.img", "readonly", "true")),
                        new DeviceSpec("virtio-rng", Map.of())),
                spec.pluggedDevices());
    }

    @Test
    void aDeviceOptionThatIsNotKeyValueOrAModelNameThatIsNoNameIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "devices", "virtio-blk disk.img")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "devices", "virtio-blk file=a file=b")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "devices", "Virtio_Blk")));
    }

    @Test
    void aMissingNameIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("vcpus", "1")));
    }

    @Test
    void anUnknownPropertyIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "cpus", "2")));
    }

    @Test
    void aVcpuCountOutOfRangeIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "vcpus", "0")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "vcpus", "65")));
    }

    @Test
    void aResponderForAnUndeclaredIrqfdIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "ioeventfds", "addr=0x1000 len=4 irq=3")));
    }

    @Test
    void aMalformedFunctionEntryIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "irqfds", "lable=1")));
    }

    @Test
    void functionsAreNamedByTypeNameWithTheirFields() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(
                Map.of("name", "f", "functions", "counter arg=2a000000, irqfd label=3 level=true, other"), HOME);

        assertEquals(
                List.of(
                        new VmDeclaration.Named("counter", List.of("arg=2a000000")),
                        new VmDeclaration.Named("irqfd", List.of("label=3", "level=true")),
                        new VmDeclaration.Named("other", List.of())),
                d.functions());
        assertEquals(
                new IrqfdArg(9, 3, IrqfdArg.LEVEL).desc(),
                d.functions().get(1).fields(2).desc(9));
        assertEquals(
                new org.gunyah.vmm.api.FunctionDesc(42, new byte[] {0x2a, 0, 0, 0}),
                d.functions().get(0).fields(42).desc(0));
    }

    @Test
    void aFunctionsEntryMustStartWithANameAndHaveItsFields() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "f", "functions", "arg=01")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "f", "functions", "counter len=4")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "f", "functions", "counter arg=zz")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "f", "functions", "ioeventfd addr=1")));
    }

    @Test
    void aLinuxVmDeclaresItsKernelInitrdAndBootargs() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(
                Map.of(
                        "name",
                        "linux",
                        "memory",
                        "512M",
                        "kernel",
                        "linux/Image",
                        "initrd",
                        "linux/initrd.gz",
                        "bootargs",
                        "console=ttyAMA0 panic=-1"),
                HOME);

        assertEquals(
                new Boot.Linux(
                        Path.of("/opt/gunyah/linux/Image"),
                        Optional.of(Path.of("/opt/gunyah/linux/initrd.gz")),
                        "console=ttyAMA0 panic=-1"),
                d.spec().boot());
        assertTrue(d.spec().image().isEmpty());
    }

    @Test
    void aLinuxVmHasThePl011AmongItsDefaultDevices() throws GunyahException {
        assertEquals(
                java.util.Set.of(Devices.Model.values()),
                VmDeclaration.parse(Map.of("name", "a", "kernel", "Image"), HOME)
                        .spec()
                        .devices());
    }

    @Test
    void imageAndKernelAreExclusiveAndTheRefusalNamesBoth() {
        GunyahException e = assertThrows(
                GunyahException.class,
                () -> VmDeclaration.parse(
                        Map.of("name", "both", "image", "guests/demo.bin", "kernel", "linux/Image"), HOME));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("image 'guests/demo.bin'"), e.getMessage());
        assertTrue(e.getMessage().contains("kernel 'linux/Image'"), e.getMessage());
    }

    @Test
    void anInitrdOrBootargsWithoutAKernelIsRefused() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "initrd", "initrd.gz")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "b", "image", "x.bin", "bootargs", "quiet")));
    }

    @Test
    void aVmWithoutKernelBootsItsRawImage() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(Map.of("name", "raw", "image", "guests/demo.bin"), HOME);

        assertEquals(
                new Boot.RawImage(Optional.of(Path.of("/opt/gunyah/guests/demo.bin"))),
                d.spec().boot());
    }

    @Test
    void aWatchdogAndARestartOnResetAreTheVmsSupervision() throws GunyahException {
        VmDeclaration d = VmDeclaration.parse(Map.of("name", "a", "watchdog", "45s", "reset", "restart"), HOME);

        assertEquals(
                new Supervision(Optional.of(java.time.Duration.ofSeconds(45)), Supervision.OnReset.RESTART),
                d.spec().supervision());
    }

    @Test
    void withoutThemNoWatchdogAndAResetStops() throws GunyahException {
        assertEquals(
                Supervision.NONE,
                VmDeclaration.parse(Map.of("name", "a"), HOME).spec().supervision());
    }

    @Test
    void aBadWatchdogOrResetIsEinval() {
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "watchdog", "soon")));
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "watchdog", "50ms"))); // below the minimum
        assertEquals(Errno.EINVAL, errno(Map.of("name", "a", "reset", "reboot")));
    }

    @Test
    void aDevicesRelativeFileResolvesAgainstTheHomeFolder() throws GunyahException {
        VmSpec spec = VmDeclaration.parse(
                        Map.of("name", "a", "devices", "virtio-blk file=disks/a.img, virtio-blk file=/b.img"), HOME)
                .spec();

        assertEquals(
                "/opt/gunyah/disks/a.img",
                spec.pluggedDevices().get(0).options().get("file"));
        assertEquals("/b.img", spec.pluggedDevices().get(1).options().get("file"));
    }
}
