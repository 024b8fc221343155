package org.gunyah.vmm.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/gunyah linux's command line: what it runs, and the one-line refusals (exit status 2). */
class LinuxOptionsTest {
    @TempDir
    Path dir;

    private Path kernel;
    private Path initrd;

    @BeforeEach
    void files() throws Exception {
        kernel = Files.writeString(dir.resolve("Image"), "not really a kernel");
        initrd = Files.writeString(dir.resolve("initrd.gz"), "nor an initrd");
    }

    private Mode parse(String... args) {
        return LinuxOptions.parse(List.of(args), dir);
    }

    private String problem(String... args) {
        return assertInstanceOf(Mode.Usage.class, parse(args)).problem();
    }

    @Test
    void theKernelAloneBootsOneVcpuWith512Mebibytes() {
        assertEquals(
                new Mode.Script("gunyah:linux --kernel '" + kernel + "' --vcpus 1 --memory '512M'", false),
                parse("--kernel", "Image"));
    }

    @Test
    void everyOptionReachesTheShellCommandQuotedWithPathsMadeAbsolute() {
        assertEquals(
                new Mode.Script(
                        "gunyah:linux --kernel '" + kernel + "' --initrd '" + initrd
                                + "' --append 'console=ttyAMA0 rdinit=/init' --vcpus 4 --memory '1G' --hypervisor"
                                + " 'emulated'",
                        false),
                parse(
                        "--kernel",
                        "Image",
                        "--initrd",
                        "initrd.gz",
                        "--append",
                        "console=ttyAMA0 rdinit=/init",
                        "--vcpus",
                        "4",
                        "--memory=1G",
                        "--hypervisor",
                        "emulated"));
    }

    @Test
    void aWatchdogAndARestartOnResetReachTheShellCommand() {
        assertEquals(
                new Mode.Script(
                        "gunyah:linux --kernel '" + kernel
                                + "' --vcpus 1 --memory '512M' --watchdog '90s' --reset restart",
                        false),
                parse("--kernel", "Image", "--watchdog", "90s", "--reset", "restart"));
    }

    @Test
    void devicesOfDeviceBundlesReachTheShellCommandAsOneQuotedList() {
        assertEquals(
                new Mode.Script(
                        "gunyah:linux --kernel '" + kernel
                                + "' --vcpus 1 --memory '512M' --devices 'virtio-rng, virtio-blk file=disk.img'",
                        false),
                parse("--kernel", "Image", "--devices", "virtio-rng, virtio-blk file=disk.img"));
    }

    @Test
    void aWatchdogThatIsNoTimeIsRefused() {
        assertEquals(
                "--watchdog '90' is not a time such as 500ms, 30s or 2m",
                problem("--kernel", "Image", "--watchdog", "90"));
    }

    @Test
    void aResetOtherThanStopOrRestartIsRefused() {
        assertEquals("--reset 'reboot' is neither stop nor restart", problem("--kernel", "Image", "--reset", "reboot"));
    }

    @Test
    void aQuoteInTheCommandLineStaysInsideItsWord() {
        assertEquals(
                new Mode.Script(
                        "gunyah:linux --kernel '" + kernel + "' --append 'a=\\'b\\'' --vcpus 1 --memory '512M'", false),
                parse("--kernel", "Image", "--append", "a='b'"));
    }

    @Test
    void theLinuxSubcommandIsParsedFromTheTopLevel() {
        assertInstanceOf(Mode.Usage.class, Mode.parse("linux"));
        assertEquals(LinuxOptions.USAGE, ((Mode.Usage) Mode.parse("linux", "--help")).usage());
        assertNull(((Mode.Usage) Mode.parse("linux", "--help")).problem());
    }

    @Test
    void aMissingKernelIsRefused() {
        assertEquals("linux needs --kernel <Image>", problem("--initrd", "initrd.gz"));
    }

    @Test
    void aKernelOrInitrdThatIsNoFileIsRefused() {
        assertEquals("--kernel nowhere: no such file", problem("--kernel", "nowhere"));
        assertEquals("--initrd nowhere: no such file", problem("--kernel", "Image", "--initrd", "nowhere"));
        assertEquals("--kernel .: no such file", problem("--kernel", "."));
    }

    @Test
    void aMemorySizeThatIsNoSizeIsRefused() {
        assertEquals(
                "--memory 'lots' is not a size such as 512M or 1G", problem("--kernel", "Image", "--memory", "lots"));
        assertEquals(
                "--memory '512MB' is not a size such as 512M or 1G", problem("--kernel", "Image", "--memory", "512MB"));
    }

    @Test
    void vcpusOutside1To64AreRefused() {
        for (String n : new String[] {"0", "65", "two", "-1"}) {
            assertEquals(
                    "--vcpus '" + n + "' is not a number of vCPUs from 1 to 64",
                    problem("--kernel", "Image", "--vcpus", n),
                    n);
        }
    }

    @Test
    void anUnknownRepeatedOrValuelessOptionIsRefused() {
        assertEquals("unknown argument --smp", problem("--kernel", "Image", "--smp", "2"));
        assertEquals("--kernel is given twice", problem("--kernel", "Image", "--kernel", "Image"));
        assertEquals("--append needs a value", problem("--kernel", "Image", "--append"));
    }

    @Test
    void aRefusalPrintsTheLinuxUsage() {
        assertEquals(
                LinuxOptions.USAGE, assertInstanceOf(Mode.Usage.class, parse()).usage());
    }
}
