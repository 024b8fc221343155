package org.gunyah.vmm.shell;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.DeviceSpec;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.VmSpec;
import org.junit.jupiter.api.Test;

/** How {@code gunyah:vm-create --devices} adds devices to a VM's default ones. */
class VmCreateDevicesTest {
    private static final Path DIR = Path.of("/home/user");

    private static VmSpec spec(String... args) throws GunyahException {
        CommandLine.Usage usage = VmCommands.USAGES.stream()
                .filter(u -> u.name().equals("vm-create"))
                .findFirst()
                .orElseThrow();
        return VmCommands.spec(CommandLine.parse(usage, List.of(args)), DIR);
    }

    @Test
    void devicesOfDeviceBundlesComeInTheirOrderWithFilesFromTheSessionsFolder() throws GunyahException {
        VmSpec spec =
                spec("vm", "--kernel", "Image", "--devices", "virtio-rng, virtio-blk file=disk.img readonly=true");

        assertEquals(
                List.of(
                        new DeviceSpec("virtio-rng", Map.of()),
                        new DeviceSpec("virtio-blk", Map.of("file", "/home/user/disk.img", "readonly", "true"))),
                spec.pluggedDevices());
        assertEquals(Set.of(Devices.Model.values()), spec.devices());
    }

    @Test
    void aBuiltInModelJoinsTheDefaultOnes() throws GunyahException {
        assertEquals(
                Set.of(Devices.Model.values()),
                spec("vm", "--image", "guest.bin", "--devices", "pl011").devices());
    }

    @Test
    void withoutDevicesAVmHasNoDeviceOfADeviceBundle() throws GunyahException {
        assertEquals(List.of(), spec("vm", "--kernel", "Image").pluggedDevices());
    }

    @Test
    void anOptionOnABuiltInModelIsEinval() {
        assertErrno(Errno.EINVAL, () -> spec("vm", "--devices", "pl011 speed=9600"));
    }

    @Test
    void anOptionThatIsNotKeyEqualsValueIsEinval() {
        assertErrno(Errno.EINVAL, () -> spec("vm", "--devices", "virtio-blk disk.img"));
    }
}
