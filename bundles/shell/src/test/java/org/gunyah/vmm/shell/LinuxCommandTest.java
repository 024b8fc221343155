package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What gunyah:linux asks the VMM for, and how a guest's end becomes the process's exit status. */
class LinuxCommandTest {
    @Test
    void theVmIsDeclaredWithThePl011AndTheKernelItsInitrdAndCommandLine() {
        Map<String, Object> d = LinuxCommand.declaration(
                "linux",
                "",
                "512M",
                "2",
                "/k/Image",
                "/k/initrd.gz",
                "console=ttyAMA0",
                "30s",
                "restart",
                "virtio-rng");

        assertEquals("linux", d.get("name"));
        assertEquals("512M", d.get("memory"));
        assertEquals("2", d.get("vcpus"));
        assertEquals("console, exit-register, pl011, virtio-rng", d.get("devices"));
        assertEquals("/k/Image", d.get("kernel"));
        assertEquals("/k/initrd.gz", d.get("initrd"));
        assertEquals("console=ttyAMA0", d.get("bootargs"));
        assertEquals("30s", d.get("watchdog"));
        assertEquals("restart", d.get("reset"));
        assertFalse(d.containsKey("hypervisor"));
    }

    @Test
    void absentOptionsAreLeftOut() {
        Map<String, Object> d =
                LinuxCommand.declaration("linux", "emulated", "512M", "1", "/k/Image", "", "", "", "stop", "");

        assertEquals("emulated", d.get("hypervisor"));
        assertFalse(d.containsKey("initrd"));
        assertFalse(d.containsKey("bootargs"));
        assertFalse(d.containsKey("watchdog"));
    }

    @Test
    void aGuestsExitCodeIsTheExitStatusWhenOneCanBe() {
        assertEquals(0, TerminalAttach.exitCode("0"));
        assertEquals(3, TerminalAttach.exitCode("3"));
        assertEquals(255, TerminalAttach.exitCode("255"));
        assertEquals(-1, TerminalAttach.exitCode("256"));
        assertEquals(-1, TerminalAttach.exitCode("-1"));
    }

    @Test
    void aDevicesRelativeFileIsTakenFromWhereTheCommandWasTyped() {
        assertEquals(
                "virtio-rng, virtio-blk file=/home/u/disk.img readonly=true, virtio-blk file=/abs.img",
                LinuxCommand.filesFrom(
                        "virtio-rng,virtio-blk  file=disk.img readonly=true, virtio-blk file=/abs.img",
                        java.nio.file.Path.of("/home/u")));
    }
}
