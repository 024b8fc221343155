package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.device.net.VirtioNetModel;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Linux VMs on one virtual switch: Debian's kernel loads virtio_net (after virtio_ring,
 * virtio, virtio_mmio and the failover modules it needs) from its package, each VM's eth0 gets an
 * address on 10.0.0.0/24, and one pings the other through the switch (ARP broadcast flooded,
 * the replies forwarded to the learned port). Both VMs run at once.
 */
class VirtioNetLinuxTest {
    static final String MARKER = "gunyah-virtio-net";
    private static final Pattern PINGED = Pattern.compile(MARKER + " ping=(\\d) tries=(\\d+) mac=(\\S+)");
    private static final Pattern UP = Pattern.compile(MARKER + "-up mac=(\\S+)");
    private static final Duration TIMEOUT = Duration.parse(System.getProperty("gunyah.linux.timeout", "PT5M"));
    /** In the order they need each other: virtio_net uses net_failover, which uses failover. */
    static final List<String> MODULES = List.of(
            "drivers/virtio/virtio_ring.ko",
            "drivers/virtio/virtio.ko",
            "drivers/virtio/virtio_mmio.ko",
            "net/core/failover.ko",
            "drivers/net/net_failover.ko",
            "drivers/net/virtio_net.ko");

    private static final String BB = "/bin/busybox ";

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    @TempDir
    Path dir;

    VirtioNetLinuxTest() {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    }

    @AfterEach
    void close() {
        vms.close();
        bed.close();
    }

    /** busybox, the modules, and an /init that loads them, runs {@code script} and powers off. */
    static byte[] initramfs(List<String> script) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "#!/bin/busybox sh",
                BB + "mount -t proc proc /proc",
                BB + "mount -t sysfs sys /sys",
                BB + "mount -t devtmpfs dev /dev"));
        for (String module : MODULES) {
            lines.add(BB + "insmod /lib/modules/" + Path.of(module).getFileName());
        }
        lines.add("mac=$(" + BB + "cat /sys/class/net/eth0/address)");
        lines.addAll(script);
        lines.add(BB + "poweroff -f");
        lines.add("");
        Initramfs cpio = new Initramfs()
                .directory("bin", 0755)
                .file("bin/busybox", 0755, DebianArm64.busybox())
                .symlink("bin/sh", "busybox")
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("proc", 0555)
                .directory("sys", 0555)
                .directory("lib", 0755)
                .directory("lib/modules", 0755)
                .file("init", 0755, String.join("\n", lines).getBytes(StandardCharsets.US_ASCII));
        for (String module : MODULES) {
            Path file = DebianArm64.module(module);
            cpio.file("lib/modules/" + file.getFileName(), 0644, file);
        }
        return cpio.gzip();
    }

    @Test
    void oneLinuxVmPingsAnotherThroughTheirVirtualSwitch() throws Exception {
        vms.addDeviceModel(new VirtioNetModel());
        CompletableFuture<Matcher> bUp = new CompletableFuture<>();
        ManagedVm b = boot(
                "b",
                List.of(
                        BB + "ip addr add 10.0.0.2/24 dev eth0",
                        BB + "ip link set eth0 up",
                        BB + "echo \"" + MARKER + "-up mac=$mac\"",
                        // answers pings until the test is done with it
                        BB + "sleep 300"),
                line -> complete(bUp, UP.matcher(line)));
        CompletableFuture<Matcher> pinged = new CompletableFuture<>();
        ManagedVm a = boot(
                "a",
                List.of(
                        BB + "ip link set eth0 up",
                        BB + "ip addr add 10.0.0.1/24 dev eth0",
                        "i=0; ok=0",
                        "while [ $i -lt 60 ]; do",
                        "  i=$((i+1))",
                        "  if " + BB + "ping -c 1 -W 1 10.0.0.2 >/dev/null 2>&1; then ok=1; break; fi",
                        "done",
                        BB + "echo \"" + MARKER + " ping=$ok tries=$i mac=$mac\""),
                line -> complete(pinged, PINGED.matcher(line)));

        boolean aDown = a.awaitDown(TIMEOUT);
        String bConsole = b.console();
        b.close();

        assertTrue(aDown, "VM a still runs after " + TIMEOUT + "; its console:\n" + a.console());
        assertTrue(
                pinged.isDone(),
                "VM a printed no marker; " + a.status() + "; its console:\n" + a.console() + "\nb's:\n" + bConsole);
        Matcher m = pinged.join();
        assertEquals(
                "1",
                m.group(1),
                "VM a's ping of b got no answer in " + m.group(2) + " tries; a's console:\n" + a.console() + "\nb's:\n"
                        + bConsole);
        assertTrue(bUp.isDone(), "VM b said it was up; its console:\n" + bConsole);
        assertNotEquals(m.group(3), bUp.join().group(1), "each VM's card has its own derived MAC");
        assertEquals("EXITED(0)", a.status());
    }

    private static void complete(CompletableFuture<Matcher> future, Matcher m) {
        if (m.find()) {
            future.complete(m);
        }
    }

    private ManagedVm boot(String name, List<String> script, java.util.function.Consumer<String> console)
            throws Exception {
        Path initrd = Files.write(dir.resolve(name + "-initrd.gz"), initramfs(script));
        VmDeclaration declaration = VmDeclaration.parse(
                Map.of(
                        "name",
                        name,
                        "memory",
                        "256M",
                        "kernel",
                        DebianArm64.kernel().toString(),
                        "initrd",
                        initrd.toString(),
                        "bootargs",
                        "console=ttyAMA0 panic=-1",
                        "devices",
                        "console, exit-register, pl011, virtio-net switch=lan0"),
                dir);
        return vms.launch(declaration, console);
    }
}
