package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.testing.DebianArm64;
import org.gunyah.vmm.testing.Errnos;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The arm64 Linux boot protocol on the emulated backend, with a stand-in kernel
 * ({@code guests/linux-entry.S}) that reports the registers it was entered with.
 */
class LinuxBootTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long RAM = VmSpec.DEFAULT_RAM_BASE;
    private static final long IMAGE_SIZE = 0x10_0000;

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    @TempDir
    Path dir;

    @BeforeEach
    void functions() {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    }

    @AfterEach
    void close() {
        vms.close();
        bed.close();
    }

    private Path kernel(long textOffset) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/guests/linux-entry.S")) {
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace(".equ TEXT_OFFSET, 0", ".equ TEXT_OFFSET, 0x" + Long.toHexString(textOffset));
            return Files.write(
                    dir.resolve("Image-" + textOffset),
                    A64Assembler.assemble(source, RAM + textOffset).image());
        }
    }

    private static VmSpec linux(Boot.Linux boot) {
        return VmSpec.of("linux").withMemory(8 << 20).withBoot(boot);
    }

    /** Runs the stand-in kernel on one vCPU; what it wrote to the exit register. */
    private static long entered(ManagedVm vm) throws Exception {
        vm.addFunction(new VcpuArg(0).desc());
        vm.start();
        return exitCode(vm);
    }

    private static long exitCode(ManagedVm vm) throws Exception {
        assertTrue(vm.awaitDown(TIMEOUT), vm.status());
        String status = vm.status();
        assertTrue(status.startsWith("EXITED("), status);
        return Long.parseLong(status.substring(7, status.length() - 1));
    }

    private static DtNode devicetree(ManagedVm vm, long addr) throws GunyahException {
        int size = ByteBuffer.wrap(vm.readGuest(addr + 4, 4)).getInt();
        return Fdt.decode(vm.readGuest(addr, size));
    }

    @Test
    void theBootVcpuEntersTheKernelWithX0TheDevicetreeAndX1ToX3Zero() throws Exception {
        ManagedVm vm = vms.create(linux(Boot.Linux.of(kernel(0)).withBootargs("console=ttyAMA0")));

        long x0 = entered(vm);

        assertEquals(0, x0 & 7, "x0 is the devicetree, 8-byte aligned, and x1-x3 were 0");
        assertTrue(x0 >= RAM + IMAGE_SIZE && x0 < RAM + (8 << 20), "above the kernel's image_size, in RAM");
        assertEquals(
                "console=ttyAMA0",
                devicetree(vm, x0)
                        .find("/chosen")
                        .orElseThrow()
                        .property("bootargs")
                        .orElseThrow()
                        .asString());
    }

    @Test
    void theInitrdFollowsTheKernelsImageSizeNotItsFileAndTheDevicetreeSaysWhere() throws Exception {
        byte[] initrd = "initramfs bytes".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("initrd"), initrd);
        ManagedVm vm = vms.create(linux(Boot.Linux.of(kernel(0)).withInitrd(file)));

        DtNode chosen = devicetree(vm, entered(vm)).find("/chosen").orElseThrow();

        long start = chosen.property("linux,initrd-start").orElseThrow().asU64();
        long end = chosen.property("linux,initrd-end").orElseThrow().asU64();
        assertEquals(RAM + IMAGE_SIZE, start);
        assertEquals(start + initrd.length, end);
        assertArrayEquals(initrd, vm.readGuest(start, initrd.length));
    }

    @Test
    void aKernelWithATextOffsetLiesThereAndIsEnteredWithTheSameRegisters() throws Exception {
        Path image = kernel(0x80000);
        ManagedVm vm = vms.create(linux(Boot.Linux.of(image)));

        assertArrayEquals(Files.readAllBytes(image), vm.readGuest(RAM + 0x80000, (int) Files.size(image)));
        long x0 = entered(vm);

        assertEquals(0, x0 & 7, "x0 is the devicetree and x1-x3 were 0");
        assertTrue(x0 >= RAM + 0x80000 + IMAGE_SIZE, "above text_offset + image_size");
    }

    @Test
    void aDeclaredLinuxVmBootsWithThePl011AsItsStdout() throws Exception {
        VmDeclaration declaration = VmDeclaration.parse(
                java.util.Map.of(
                        "name", "declared", "memory", "8M", "kernel", kernel(0).toString(), "bootargs", "quiet"),
                dir);

        ManagedVm vm = vms.launch(declaration);

        DtNode chosen = devicetree(vm, exitCode(vm)).find("/chosen").orElseThrow();
        assertEquals(
                "/pl011@9002000", chosen.property("stdout-path").orElseThrow().asString());
        assertEquals("quiet", chosen.property("bootargs").orElseThrow().asString());
    }

    @Test
    void aFileThatIsNotAnImageIsRefusedAndNothingIsCreated() throws Exception {
        Path text = Files.writeString(
                dir.resolve("notes.txt"), "not a kernel, but long enough to hold a header. ".repeat(3));
        int allocated = bed.hypervisor.allocatedVms();

        GunyahException e = Errnos.assertErrno(Errno.EINVAL, () -> vms.create(linux(Boot.Linux.of(text))));

        assertTrue(e.getMessage().contains(text.toString()) && e.getMessage().contains("magic"), e.getMessage());
        assertEquals(allocated, bed.hypervisor.allocatedVms());
        assertEquals(0, bed.manager.vms().size(), "no VM was made");
        assertTrue(vms.list().isEmpty());
        assertTrue(vms.find("linux").isEmpty(), "the name is free again");
    }

    @Test
    void ramTooSmallForTheKernelsImageSizeIsRefusedBeforeAnythingIsCreated() throws Exception {
        VmSpec spec = VmSpec.of("small").withMemory(IMAGE_SIZE).withBoot(Boot.Linux.of(kernel(0)));

        GunyahException e = Errnos.assertErrno(Errno.EINVAL, () -> vms.create(spec));

        assertTrue(e.getMessage().contains("image_size"), e.getMessage());
        assertEquals(0, bed.manager.vms().size());
    }

    @Test
    void aMissingInitrdIsEnoent() throws Exception {
        Boot.Linux boot = Boot.Linux.of(kernel(0)).withInitrd(dir.resolve("absent"));

        Errnos.assertErrno(Errno.ENOENT, () -> vms.create(linux(boot)));
        assertEquals(0, bed.manager.vms().size());
    }

    @Test
    void debiansKernelLoadsAtTheStartOfRamWholly() throws Exception {
        Path kernel = DebianArm64.kernel();
        long size = Files.size(kernel);
        ManagedVm vm = vms.create(VmSpec.of("debian").withMemory(128 << 20).withBoot(Boot.Linux.of(kernel)));

        try (var in = java.nio.channels.FileChannel.open(kernel)) {
            ByteBuffer head = ByteBuffer.allocate(4096);
            in.read(head, 0);
            ByteBuffer tail = ByteBuffer.allocate(4096);
            in.read(tail, size - 4096);
            assertArrayEquals(head.array(), vm.readGuest(RAM, 4096), "its first page");
            assertArrayEquals(tail.array(), vm.readGuest(RAM + size - 4096, 4096), "its last page");
        }
    }
}
