package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.hypervisor.emulated.EmulatedHypervisor;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real guest on the emulated backend, driven through the hypervisor SPI's vCPU run: the caller
 * handles MMIO exits, an IO handler takes a doorbell write without one, and the guest exits with
 * a status.
 */
class GuestRunTest {
    static final int PROBE = 100;
    static final long CONSOLE = 0x0900_0000L;
    static final long DOORBELL = 0x0900_1000L;

    /** A function that claims VCPU 0 and an IO handler at the doorbell register. */
    static final class Probe implements VmFunction, ResourceTicket, IoHandler {
        volatile VcpuResource vcpu;
        volatile FunctionInstance instance;
        int doorbellWrites;

        @Override
        public Object bind(FunctionInstance i) throws GunyahException {
            instance = i;
            i.vm().addResourceTicket(this);
            i.vm().addIoHandler(this);
            return null;
        }

        @Override
        public void unbind(FunctionInstance i) {
            i.vm().removeIoHandler(this);
            i.vm().removeResourceTicket(this);
        }

        @Override
        public boolean compare(FunctionInstance i, byte[] arg) {
            return true;
        }

        @Override
        public ResourceType resourceType() {
            return ResourceType.VCPU;
        }

        @Override
        public int label() {
            return 0;
        }

        @Override
        public boolean populate(Resource r) {
            vcpu = (VcpuResource) r;
            return true;
        }

        @Override
        public void unpopulate(Resource r) {
            vcpu = null;
        }

        @Override
        public long address() {
            return DOORBELL;
        }

        @Override
        public int length() {
            return 4;
        }

        @Override
        public boolean datamatch() {
            return false;
        }

        @Override
        public long data() {
            return 0;
        }

        @Override
        public boolean write(long address, int length, long value) {
            doorbellWrites++;
            return true;
        }
    }

    private final Arena arena = Arena.ofShared();
    private final EmulatedHypervisor hypervisor = new EmulatedHypervisor();
    private final VmManagerCore manager = new VmManagerCore(Duration.ofSeconds(2));
    private final Probe probe = new Probe();
    private final TestFunctions.Provider provider = new TestFunctions.Provider(PROBE, probe);

    GuestRunTest() {
        manager.addHypervisor(hypervisor, 0, 1);
        manager.registry().add(provider);
    }

    @AfterEach
    void release() {
        manager.closeAll();
        arena.close();
    }

    @Test
    void aGuestRunsToExitedWithCallerHandledMmioAndAnIoHandlerTakingADoorbellWrite() throws Exception {
        Vm vm = manager.createVm("emulated");
        GuestImage.load(vm, arena, GuestImage.source("mmio-exit.S"), GuestImage.devicetree(2));
        vm.addFunction(new FunctionDesc(PROBE, new byte[] {0}));
        vm.start();
        VcpuResource vcpu = probe.vcpu;
        assertNotNull(vcpu, "the VCPU ticket was populated at start");

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        int mmioReads = 0;
        VcpuRunResult result;
        do {
            result = vcpu.run();
            switch (result) {
                case VcpuRunResult.MmioWrite w
                when !probe.instance.vm().mmioWrite(w.address(), w.length(), w.value()) -> {
                    assertEquals(CONSOLE, w.address());
                    console.write((int) w.value());
                }
                case VcpuRunResult.MmioRead r -> {
                    assertEquals(CONSOLE + 8, r.address());
                    assertEquals(4, r.length());
                    mmioReads++;
                    vcpu.resumeMmioRead(41);
                }
                default -> {}
            }
        } while (!(result instanceof VcpuRunResult.PoweredOff));

        assertEquals("hi", console.toString());
        assertEquals(1, probe.doorbellWrites, "the doorbell write never left the hypervisor");
        assertEquals(1, mmioReads);
        assertEquals(VmState.EXITED, vm.state());
        ExitInfo info = vm.exitInfo().orElseThrow();
        assertEquals(ExitInfo.VM_EXIT, info.type());
        assertEquals(
                42,
                ByteBuffer.wrap(info.reason()).order(ByteOrder.LITTLE_ENDIAN).getLong());
        assertInstanceOf(VcpuRunResult.PoweredOff.class, vcpu.run(), "an exited guest never runs again");
    }

    @Test
    void theGuestsGicAccessesAreHandledInsideTheHypervisor() throws Exception {
        Vm vm = manager.createVm("emulated");
        GuestImage.load(vm, arena, """
            ldr     x1, =0x0800ffe8
            ldr     w2, [x1]                  // GICD_PIDR2
            ldr     x1, =0x080a0008
            ldr     x3, [x1]                  // GICR_TYPER of vCPU 0, 64 bits
            ldr     x1, =0x09000000
            str     w2, [x1]
            ubfx    x3, x3, #4, #1            // Last
            str     w3, [x1]
            ldr     x0, =0xc6000001
            mov     x1, #0
            hvc     #0
            """, GuestImage.devicetree(1));
        vm.addFunction(new FunctionDesc(PROBE, new byte[] {0}));
        vm.start();
        VcpuResource vcpu = probe.vcpu;
        List<Long> written = new ArrayList<>();
        VcpuRunResult result;
        do {
            result = vcpu.run();
            switch (result) {
                case VcpuRunResult.MmioWrite w -> {
                    assertEquals(CONSOLE, w.address(), "only the console's write leaves the hypervisor");
                    written.add(w.value());
                }
                case VcpuRunResult.MmioRead r -> throw new AssertionError("a read left the hypervisor: " + r);
                default -> {}
            }
        } while (!(result instanceof VcpuRunResult.PoweredOff));
        assertEquals(List.of(0x3bL, 1L), written, "PIDR2 says GICv3; the only redistributor is the last");
    }

    @Test
    void closingAnExitedVmReturnsEverythingToTheResourceManager() throws Exception {
        Vm vm = manager.createVm("emulated");
        GuestImage.load(vm, arena, GuestImage.source("mmio-exit.S"), GuestImage.devicetree(1));
        vm.addFunction(new FunctionDesc(PROBE, new byte[] {0}));
        vm.start();
        assertEquals(1, hypervisor.allocatedVms());
        vm.close();
        assertEquals(0, hypervisor.allocatedVms());
        assertEquals(0, provider.pins.get());
        assertEquals(VmState.CLOSED, vm.state());
    }
}
