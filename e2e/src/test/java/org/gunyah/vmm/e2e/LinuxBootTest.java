package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.internal.ManagedVmRegistry;
import org.gunyah.vmm.testing.DebianArm64;
import org.gunyah.vmm.testing.Initramfs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Debian's unmodified arm64 kernel boots on the emulated backend, declared as a user declares a
 * Linux VM ({@code kernel=}, {@code initrd=}, {@code bootargs=}), to an initramfs whose /init is a
 * busybox shell script: it mounts /proc, prints a marker line with the number of processors
 * /proc/cpuinfo lists, and powers off ({@code poweroff -f}: PSCI SYSTEM_OFF, the VM ends
 * EXITED(0)). The console is the PL011 ({@code console=ttyAMA0}).
 *
 * <p>Four vCPUs here, in process; {@code LinuxBootIT} boots 1 and 4 through {@code bin/gunyah
 * linux} and types into the shell. The boot's bound is {@code gunyah.linux.timeout}
 * (ISO-8601, default PT5M). Debian's kernel and busybox come from the shared cache
 * ({@link DebianArm64}); without them the test is skipped, saying why.
 */
class LinuxBootTest {
    static final String MARKER = "gunyah-linux-boot-marker";
    private static final Pattern MARKED = Pattern.compile(MARKER + " processors=(\\d+)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    @TempDir
    Path dir;

    LinuxBootTest() {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    }

    @AfterEach
    void close() {
        vms.close();
        bed.close();
    }

    /** busybox as /bin/busybox and an /init that reports and powers off; gzip-compressed, as distributions ship them. */
    static byte[] initramfs(Path busybox) {
        String init = String.join(
                "\n",
                "#!/bin/busybox sh",
                "/bin/busybox mount -t proc proc /proc",
                "n=$(/bin/busybox grep -c ^processor /proc/cpuinfo)",
                "/bin/busybox echo \"" + MARKER + " processors=$n\"",
                "/bin/busybox poweroff -f",
                "");
        return new Initramfs()
                .directory("bin", 0755)
                .file("bin/busybox", 0755, busybox)
                .symlink("bin/sh", "busybox")
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("proc", 0555)
                .file("init", 0755, init.getBytes(StandardCharsets.US_ASCII))
                .gzip();
    }

    @ParameterizedTest(name = "{0} vCPUs")
    @ValueSource(ints = {4})
    void debiansKernelBootsToInitWhichSeesEveryVcpuAndPowersOff(int vcpus) throws Exception {
        Path kernel = DebianArm64.kernel();
        Path initrd = Files.write(dir.resolve("initrd.gz"), initramfs(DebianArm64.busybox()));
        VmDeclaration declaration = VmDeclaration.parse(
                Map.of(
                        "name",
                        "linux" + vcpus,
                        "memory",
                        "256M",
                        "vcpus",
                        String.valueOf(vcpus),
                        "kernel",
                        kernel.toString(),
                        "initrd",
                        initrd.toString(),
                        "bootargs",
                        "console=ttyAMA0 panic=-1"),
                dir);
        CompletableFuture<Integer> marked = new CompletableFuture<>();

        ManagedVm vm = vms.launch(declaration, line -> {
            Matcher m = MARKED.matcher(line);
            if (m.find()) {
                marked.complete(Integer.parseInt(m.group(1)));
            }
        });

        // The guest's end is the event: poweroff after the marker, or a crash or panic before it.
        boolean down = vm.awaitDown(TIMEOUT);

        assertTrue(
                down, "the VM still runs after " + TIMEOUT + " (" + vm.status() + "); its console:\n" + vm.console());
        assertTrue(
                marked.isDone(),
                "/init printed no marker; the VM ended " + vm.status() + "; its console:\n" + vm.console());
        assertEquals(vcpus, marked.join(), "/proc/cpuinfo lists every vCPU");
        assertEquals("EXITED(0)", vm.status(), "poweroff -f ends the VM cleanly; its console:\n" + vm.console());
    }
}
