package org.gunyah.vmm.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.gunyah.vmm.hypervisor.kvm.KvmTests;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.internal.ManagedVmRegistry;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The soak's data path without OSGi, on each backend (KVM skipped, saying why, where /dev/kvm
 * cannot run a VM): the soak guest while the providers of its three function types are withdrawn
 * and offered again, as a bundle stopping and starting does. Every ring reaches the VMM and every
 * answer reaches the guest; on KVM the rings and answers take KVM_IOEVENTFD and KVM_IRQFD whenever
 * their functions are bound, and MMIO exits and doorbell sends while they are not.
 */
class SoakGuestTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Enough to have lost an interrupt in most runs before subscriptions waited for their listeners. */
    private static final int ROUNDS = 300;

    enum Backend {
        EMULATED,
        KVM
    }

    private TestBed bed;
    private ManagedVmRegistry vms;
    private KvmHypervisor kvm;
    private String backend;
    private final Map<Integer, TestFunctions.Provider> providers = new HashMap<>();

    @TempDir
    Path dir;

    private void use(Backend b) {
        if (b == Backend.KVM) {
            kvm = KvmTests.hypervisor();
        }
        bed = new TestBed(kvm);
        backend = kvm == null ? "emulated" : "kvm";
        vms = new ManagedVmRegistry(bed.manager);
    }

    @AfterEach
    void close() {
        if (vms != null) {
            vms.close();
        }
        if (bed != null) {
            bed.close();
        }
        if (kvm != null) {
            kvm.close();
        }
    }

    private void provide(int type) {
        VmFunction function = switch (type) {
            case FunctionType.VCPU -> new VcpuFunction();
            case FunctionType.IRQFD -> new IrqfdFunction();
            default -> new IoeventfdFunction();
        };
        providers.put(type, bed.provide(type, function));
    }

    private ManagedVm launch(String name) throws Exception {
        SoakGuest.install(dir);
        return vms.launch(VmDeclaration.parse(SoakGuest.declaration(name, backend), dir), line -> {});
    }

    private static void assertEveryRingAnsweredOnce(ManagedVm vm) throws Exception {
        SoakGuest.stop(vm);
        assertTrue(
                vm.awaitDown(TIMEOUT),
                () -> vm.status() + " " + vm.stats() + " writes "
                        + java.util.Arrays.toString(counts(vm).writes()) + " taken "
                        + java.util.Arrays.toString(counts(vm).taken()));
        assertEquals("EXITED(0)", vm.status());
        SoakGuest.Counts counts = SoakGuest.counts(vm);
        ManagedVm.Stats stats = vm.stats();
        assertEquals(0, counts.waiting());
        assertEquals(counts.totalWrites(), stats.doorbellSignals() + stats.doorbellExits());
        assertEquals(counts.totalTaken(), stats.interruptsSent());
        assertEquals(counts.totalWrites(), counts.totalTaken());
        assertEquals(List.of(), stats.errors());
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void everyVcpuRingsAndTakesItsOwnInterrupt(Backend b) throws Exception {
        use(b);
        FunctionCycler.TYPES.forEach(this::provide);
        ManagedVm vm = launch("steady");

        assertTrue(
                everyVcpuRang(vm, 100),
                () -> "rings per vCPU: " + java.util.Arrays.toString(counts(vm).writes()));
        assertEveryRingAnsweredOnce(vm);
    }

    private static SoakGuest.Counts counts(ManagedVm vm) {
        try {
            return SoakGuest.counts(vm);
        } catch (org.gunyah.vmm.api.GunyahException e) {
            throw new AssertionError(e);
        }
    }

    /** Waits, bounded, until each vCPU has rung {@code rings} times (the guest's counters are its only signal). */
    private static boolean everyVcpuRang(ManagedVm vm, long rings) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (java.util.Arrays.stream(counts(vm).writes()).anyMatch(w -> w < rings)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        return true;
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void nothingIsLostWhileEveryProviderComesAndGoes(Backend b) throws Exception {
        use(b);
        FunctionCycler.TYPES.forEach(this::provide);
        ManagedVm vm = launch("swapped");

        for (int round = 0; round < ROUNDS; round++) {
            int type = FunctionCycler.TYPES.get(round % FunctionCycler.TYPES.size());
            bed.manager.registry().remove(providers.get(type));
            provide(type);
            assertTrue(vm.awaitFunctions(TIMEOUT), () -> "missing " + vm.missingFunctions());
        }

        assertTrue(everyVcpuRang(vm, 1));
        assertEveryRingAnsweredOnce(vm);
        assertEquals(ROUNDS * SoakGuest.VCPUS, vm.stats().functionsRestored());
    }
}
