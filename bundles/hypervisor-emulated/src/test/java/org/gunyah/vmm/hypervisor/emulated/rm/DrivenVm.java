package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.gunyah.vmm.tools.a64asm.A64Assembler;

/**
 * A VM at the emulated resource manager whose vCPUs the test runs itself, one {@code vcpu_run}
 * at a time on its own thread, so that what several vCPUs do happens in an order the test
 * chooses. Guest code reports a value by storing it to {@link #REPORT} (an MMIO write the test
 * reads) and waits for the test by loading from it (an MMIO read the test resumes).
 */
final class DrivenVm implements AutoCloseable {
    static final long BASE = 0x4000_0000L;
    static final long RAM_SIZE = 0x20_000;
    static final long DTB_OFFSET = 0x1_8000;
    static final long REPORT = 0x0900_0000L;

    final ResourceManager rm = new ResourceManager();
    final Arena arena = Arena.ofShared();
    final EmulatedVm vm;
    final List<EmulatedVcpu> vcpus;
    final List<HypervisorDoorbell> doorbells;
    volatile ExitInfo exit;

    DrivenVm(String source, DtNode devicetree) throws GunyahException {
        byte[] image = A64Assembler.assemble(source, BASE).image();
        byte[] dtb = Fdt.encode(devicetree);
        MemorySegment ram = arena.allocate(RAM_SIZE, MemoryParcel.PAGE);
        MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
        MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, DTB_OFFSET, dtb.length);
        vm = rm.allocateVm();
        vm.setListener(new RmListener() {
            @Override
            public void exited(ExitInfo info) {
                exit = info;
            }

            @Override
            public void status(RmVmState state) {}

            @Override
            public void crashed(String reason) {
                throw new AssertionError("the guest crashed: " + reason);
            }
        });
        var parcel =
                new MemoryParcel(0, BASE, ram, MemoryParcel.ACL_R | MemoryParcel.ACL_W | MemoryParcel.ACL_X, false);
        vm.configure(vm.share(parcel), 0, DTB_OFFSET, dtb.length);
        vm.init();
        vcpus = vm.resources().stream()
                .filter(EmulatedVcpu.class::isInstance)
                .map(EmulatedVcpu.class::cast)
                .toList();
        doorbells = vm.resources().stream()
                .filter(HypervisorDoorbell.class::isInstance)
                .map(HypervisorDoorbell.class::cast)
                .toList();
        vm.start();
    }

    /**
     * A devicetree of {@code cpus} cpus (reg 0..n-1), each with enable-method "psci" when {@code
     * psci}, and the given doorbell nodes.
     */
    static DtNode devicetree(int cpus, boolean psci, DtNode... doorbells) {
        DtNode.Builder cpusNode = DtNode.builder("cpus");
        for (int i = 0; i < cpus; i++) {
            DtNode.Builder cpu =
                    DtNode.builder("cpu@" + i).property("device_type", "cpu").property("reg", i);
            if (psci) {
                cpu.property("enable-method", "psci");
            }
            cpusNode.child(cpu.build());
        }
        DtNode.Builder hyp =
                DtNode.builder("hypervisor").property("compatible", "gunyah-hypervisor-1.0", "gunyah-hypervisor");
        for (DtNode d : doorbells) {
            hyp.child(d);
        }
        return DtNode.builder("").child(cpusNode.build()).child(hyp.build()).build();
    }

    /** Runs vCPU {@code i} until it reports something else than READY (bounded: a guest that spins fails). */
    VcpuRunResult run(int i) throws GunyahException {
        for (int n = 0; n < 1000; n++) {
            VcpuRunResult r = vcpus.get(i).run();
            if (!(r instanceof VcpuRunResult.Ready)) {
                return r;
            }
        }
        throw new AssertionError("vCPU " + i + " ran on without reporting");
    }

    /** Runs vCPU {@code i} to its next report and returns the value stored. */
    long report(int i) throws GunyahException {
        VcpuRunResult.MmioWrite w = assertInstanceOf(VcpuRunResult.MmioWrite.class, run(i));
        assertEquals(REPORT, w.address());
        return w.value();
    }

    /** Runs vCPU {@code i} to its load from REPORT, which it waits at until {@link #resume}. */
    void runToWait(int i) throws GunyahException {
        VcpuRunResult.MmioRead r = assertInstanceOf(VcpuRunResult.MmioRead.class, run(i));
        assertEquals(REPORT, r.address());
    }

    void resume(int i) throws GunyahException {
        vcpus.get(i).resumeMmioRead(0);
    }

    @Override
    public void close() {
        vm.close();
        arena.close();
    }
}
