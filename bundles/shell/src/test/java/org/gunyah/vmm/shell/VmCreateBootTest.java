package org.gunyah.vmm.shell;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.Devices;
import org.junit.jupiter.api.Test;

/** How {@code gunyah:vm-create}'s options choose the boot protocol. */
class VmCreateBootTest {
    private static final Path DIR = Path.of("/home/user");

    private static CommandLine line(String... args) throws GunyahException {
        CommandLine.Usage usage = VmCommands.USAGES.stream()
                .filter(u -> u.name().equals("vm-create"))
                .findFirst()
                .orElseThrow();
        return CommandLine.parse(usage, List.of(args));
    }

    private static Boot boot(String... args) throws GunyahException {
        return VmCommands.boot(line(args), DIR);
    }

    @Test
    void aLinuxVmHasThePl011AndARawOneTheConsoleAndExitRegister() throws GunyahException {
        assertEquals(
                Set.of(Devices.Model.values()),
                VmCommands.spec(line("vm", "--kernel", "Image", "--memory", "512M"), DIR)
                        .devices());
        assertEquals(
                Set.of(Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER),
                VmCommands.spec(line("vm", "--image", "guest.bin"), DIR).devices());
    }

    @Test
    void kernelInitrdAndBootargsMakeALinuxBootWithPathsFromTheSessionsFolder() throws GunyahException {
        assertEquals(
                new Boot.Linux(
                        Path.of("/home/user/Image"),
                        Optional.of(Path.of("/tmp/initrd.gz")),
                        "console=ttyAMA0 panic=-1"),
                boot(
                        "vm",
                        "--kernel",
                        "Image",
                        "--initrd",
                        "/tmp/initrd.gz",
                        "--bootargs",
                        "console=ttyAMA0 panic=-1"));
    }

    @Test
    void anImageAloneIsARawImageBoot() throws GunyahException {
        assertEquals(
                new Boot.RawImage(Optional.of(Path.of("/home/user/guest.bin"))), boot("vm", "--image", "guest.bin"));
    }

    @Test
    void imageAndKernelTogetherAreEinvalNamingBoth() {
        GunyahException e = assertErrno(Errno.EINVAL, () -> boot("vm", "--image", "guest.bin", "--kernel", "Image"));

        assertTrue(
                e.getMessage().contains("--image guest.bin") && e.getMessage().contains("--kernel Image"),
                e.getMessage());
    }

    @Test
    void anInitrdWithoutAKernelIsEinval() {
        assertErrno(Errno.EINVAL, () -> boot("vm", "--initrd", "initrd.gz"));
    }
}
