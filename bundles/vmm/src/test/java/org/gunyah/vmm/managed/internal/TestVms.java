package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.tools.a64asm.A64Assembler;

/** The VMM on the emulated backend with the three built-in functions, and guests assembled for it: what most tests here start from. */
final class TestVms implements AutoCloseable {
    final TestBed bed = new TestBed();
    final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    TestVms() {
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    }

    /** The raw image of test resource {@code /guests/<guest>.S}, assembled into {@code dir}. */
    static Path image(Path dir, String guest) throws IOException {
        try (InputStream in = TestVms.class.getResourceAsStream("/guests/" + guest + ".S")) {
            return assemble(dir.resolve(guest + ".bin"), new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** {@code source} assembled for the start of RAM, written to {@code file}. */
    static Path assemble(Path file, String source) throws IOException {
        return Files.write(
                file, A64Assembler.assemble(source, VmSpec.DEFAULT_RAM_BASE).image());
    }

    @Override
    public void close() {
        vms.close();
        bed.close();
    }
}
