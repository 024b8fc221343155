package org.gunyah.vmm.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;

/**
 * Arbitrary x86 code as a KVM guest, from the backend's entry state, with every exit answered as
 * a VMM would (MMIO and port reads get fuzzed values) and a watchdog kick for a vCPU that sleeps
 * in the kernel. The guest may crash (triple fault, an instruction KVM cannot emulate, string port
 * I/O); the backend never throws anything but a GunyahException, and closing the VM gives back
 * every KVM VM. Runs where /dev/kvm works, and is skipped, saying why, elsewhere.
 */
class KvmGuestFuzzTest {
    private static final int STEPS = 12;
    private static KvmHypervisor kvm;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kvm-fuzz-watchdog");
        t.setDaemon(true);
        return t;
    });

    private static synchronized KvmHypervisor kvm() {
        if (kvm == null) {
            kvm = KvmTests.hypervisor();
        }
        return kvm;
    }

    @AfterAll
    static void close() {
        WATCHDOG.shutdownNow();
        if (kvm != null) {
            kvm.close();
            kvm = null;
        }
    }

    @FuzzTest
    void anyCodeRunsOrCrashesTheGuestButNeverTheBackend(FuzzedDataProvider data) throws Exception {
        KvmHypervisor hypervisor = kvm();
        Assumptions.assumeTrue(hypervisor != null);
        try (TestBed bed = new TestBed(hypervisor)) {
            Vm vm = bed.vm();
            byte[] code = data.consumeBytes(4096);
            GuestImage.load(vm, bed.arena, code, GuestImage.devicetree(1));
            VmContext ctx = bed.context(vm);
            KvmVmTest.VcpuTicket ticket = new KvmVmTest.VcpuTicket(0);
            ctx.addResourceTicket(ticket);
            vm.start();
            VcpuResource vcpu = ticket.vcpu;
            for (int step = 0; step < STEPS && vm.state() == VmState.RUNNING; step++) {
                ScheduledFuture<?> kick = WATCHDOG.schedule(vcpu::kick, 20, TimeUnit.MILLISECONDS);
                VcpuRunResult r;
                try {
                    r = vcpu.run();
                } catch (GunyahException e) {
                    break; // a documented failure of this run: the VM is torn down below
                } finally {
                    kick.cancel(false);
                }
                switch (r) {
                    case VcpuRunResult.MmioRead m -> vcpu.resumeMmioRead(data.consumeLong());
                    case VcpuRunResult.PortIo p when !p.isWrite() -> vcpu.resumeMmioRead(data.consumeLong());
                    default -> {}
                }
            }
            vm.close();
            assertTrue(vm.state().isDown(), vm.state().toString());
        }
        assertEquals(0, hypervisor.allocatedVms(), "every KVM VM id is free again");
    }
}
