package org.gunyah.vmm.managed.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.managed.internal.ManagedVmRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Any guest image, at any RAM base and size, on one to three vCPUs, run briefly and torn down
 * beside a VM that keeps running: the fuzzed VM may crash or spin, but its neighbour keeps its
 * vCPUs, and afterwards the hypervisor and the VMM hold exactly what they held before.
 */
class GuestImageFuzzTest {
    private static final Set<Errno> REFUSALS = Set.of(Errno.EINVAL, Errno.EOVERFLOW);

    private static TestBed bed;
    private static ManagedVmRegistry vms;
    private static ManagedVm neighbour;
    private static Path dir;
    private static int count;

    @BeforeAll
    static void neighbour() throws Exception {
        bed = new TestBed();
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
        vms = new ManagedVmRegistry(bed.manager);
        dir = Files.createTempDirectory("guest-fuzz");
        Path spin = dir.resolve("spin.bin");
        Files.write(spin, new byte[] {0, 0, 0, 0x14}); // b .
        neighbour = vms.create(VmSpec.of("neighbour").withMemory(64 << 10).withImage(spin));
        neighbour.addFunction(new VcpuArg(0).desc());
        neighbour.start();
    }

    @AfterAll
    static void close() throws IOException {
        vms.close();
        bed.close();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    @FuzzTest
    void anyImageAnywhereLeavesTheRuntimeAndOtherVmsUntouched(FuzzedDataProvider data) throws Exception {
        int allocated = bed.hypervisor.allocatedVms();
        long memory = MemoryRegion.PAGE_SIZE * data.consumeLong(2, 64);
        long base = data.consumeLong() & -MemoryRegion.PAGE_SIZE;
        int vcpus = data.consumeInt(1, 3);
        Path image = dir.resolve("image.bin");
        Files.write(image, data.consumeBytes((int) memory));
        VmSpec spec = new VmSpec(
                "fuzzed-" + count++,
                Optional.empty(),
                memory,
                base,
                new Boot.RawImage(Optional.of(image)),
                Set.of(Devices.Model.values()));

        try (ManagedVm vm = vms.create(spec)) {
            for (int id = 0; id < vcpus; id++) {
                vm.addFunction(new VcpuArg(id).desc());
            }
            vm.start();
            vm.awaitDown(Duration.ofMillis(2));
        } catch (GunyahException e) {
            assertTrue(REFUSALS.contains(e.errno()), e.toString());
        }

        assertEquals(allocated, bed.hypervisor.allocatedVms());
        assertEquals(1, vms.list().size());
        assertEquals("RUNNING", neighbour.status());
        assertEquals(1, neighbour.runningVcpus());
    }
}
