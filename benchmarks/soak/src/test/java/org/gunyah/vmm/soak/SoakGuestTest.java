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
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.vmm.ManagedVm;
import org.gunyah.vmm.vmm.VmDeclaration;
import org.gunyah.vmm.vmm.internal.ManagedVmRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's data path without OSGi: the soak guest on the emulated backend while the providers of
 * its three function types are withdrawn and offered again, as a bundle stopping and starting
 * does. Every ring reaches the VMM and every answer reaches the guest.
 */
class SoakGuestTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Enough to have lost an interrupt in most runs before subscriptions waited for their listeners. */
    private static final int ROUNDS = 300;

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);
    private final Map<Integer, TestFunctions.Provider> providers = new HashMap<>();

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        vms.close();
        bed.close();
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
        return vms.launch(VmDeclaration.parse(SoakGuest.declaration(name), dir), line -> {
        });
    }

    private static void assertEveryRingAnsweredOnce(ManagedVm vm) throws Exception {
        SoakGuest.stop(vm);
        assertTrue(vm.awaitDown(TIMEOUT), () -> vm.status() + " " + vm.stats() + " writes " + java.util.Arrays.toString(counts(vm).writes()) + " taken " + java.util.Arrays.toString(counts(vm).taken()));
        assertEquals("EXITED(0)", vm.status());
        SoakGuest.Counts counts = SoakGuest.counts(vm);
        ManagedVm.Stats stats = vm.stats();
        assertEquals(0, counts.waiting());
        assertEquals(counts.totalWrites(), stats.doorbellSignals() + stats.doorbellExits());
        assertEquals(counts.totalTaken(), stats.interruptsSent());
        assertEquals(counts.totalWrites(), counts.totalTaken());
        assertEquals(List.of(), stats.errors());
    }

    @Test
    void everyVcpuRingsAndTakesItsOwnInterrupt() throws Exception {
        FunctionCycler.TYPES.forEach(this::provide);
        ManagedVm vm = launch("steady");

        assertTrue(everyVcpuRang(vm, 100), () -> "rings per vCPU: " + java.util.Arrays.toString(counts(vm).writes()));
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

    @Test
    void nothingIsLostWhileEveryProviderComesAndGoes() throws Exception {
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
