package org.gunyah.vmm.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.internal.ManagedVmRegistry;
import org.gunyah.vmm.testing.DebianArm64;
import org.gunyah.vmm.testing.Initramfs;

/**
 * Debian's arm64 kernel booted in process, as a user declares a Linux VM: the VMM on the emulated
 * backend with the three built-in functions and the device models a test brings, and initramfs
 * images of busybox, some of the kernel package's modules and an /init script.
 */
final class LinuxGuests implements AutoCloseable {
    /** Linux's virtio core and its MMIO transport driver, in the order they load. */
    static final List<String> VIRTIO_MMIO =
            List.of("drivers/virtio/virtio_ring.ko", "drivers/virtio/virtio.ko", "drivers/virtio/virtio_mmio.ko");

    final TestBed bed = new TestBed();
    final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    LinuxGuests(DeviceModel... models) {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
        for (DeviceModel m : models) {
            vms.addDeviceModel(m);
        }
    }

    /**
     * busybox as /bin/busybox, {@code modules} (paths under the package's kernel/) in /lib/modules,
     * and an /init that mounts /proc, /sys and /dev, loads the modules in order, runs {@code script}
     * and powers off; gzip-compressed, as distributions ship them.
     */
    static byte[] initramfs(List<String> modules, List<String> script) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "#!/bin/busybox sh",
                "/bin/busybox mount -t proc proc /proc",
                "/bin/busybox mount -t sysfs sys /sys",
                "/bin/busybox mount -t devtmpfs dev /dev"));
        Initramfs cpio = new Initramfs()
                .directory("bin", 0755)
                .file("bin/busybox", 0755, DebianArm64.busybox())
                .symlink("bin/sh", "busybox")
                .directory("dev", 0755)
                .characterDevice("dev/console", 0600, 5, 1)
                .directory("proc", 0555)
                .directory("sys", 0555)
                .directory("tmp", 0755)
                .directory("mnt", 0755)
                .directory("lib", 0755)
                .directory("lib/modules", 0755);
        for (String module : modules) {
            Path file = DebianArm64.module(module);
            cpio.file("lib/modules/" + file.getFileName(), 0644, file);
            lines.add("/bin/busybox insmod /lib/modules/" + file.getFileName());
        }
        lines.addAll(script);
        lines.add("/bin/busybox poweroff -f");
        lines.add("");
        return cpio.file("init", 0755, String.join("\n", lines).getBytes(StandardCharsets.US_ASCII))
                .gzip();
    }

    /** Launches VM {@code name} (256 MiB, console on the PL011) with {@code devices} and {@code initramfs}; its console lines go to {@code console}. */
    ManagedVm boot(Path dir, String name, String devices, byte[] initramfs, Consumer<String> console) throws Exception {
        Path initrd = Files.write(dir.resolve(name + "-initrd.gz"), initramfs);
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
                        devices),
                dir);
        return vms.launch(declaration, console);
    }

    @Override
    public void close() {
        vms.close();
        bed.close();
    }
}
