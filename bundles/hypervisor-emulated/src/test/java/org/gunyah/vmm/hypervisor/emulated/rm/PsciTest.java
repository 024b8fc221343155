package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PSCI 1.1 over HVC, from guest code, one behaviour per test. */
class PsciTest {
    /** The guest's calling code: {@code psci fn, a1, a2, a3} and {@code report xN} macros by hand. */
    static final String PRELUDE = """
        .equ REPORT, 0x09000000
        .equ VERSION, 0x84000000
        .equ CPU_SUSPEND, 0xc4000001
        .equ CPU_OFF, 0x84000002
        .equ CPU_ON, 0xc4000003
        .equ CPU_ON32, 0x84000003
        .equ AFFINITY_INFO, 0xc4000004
        .equ MIGRATE_INFO_TYPE, 0x84000006
        .equ SYSTEM_OFF, 0x84000008
        .equ SYSTEM_RESET, 0x84000009
        .equ FEATURES, 0x8400000a
        _start:
                ldr x9, =REPORT
        """;

    DrivenVm vm;

    @AfterEach
    void close() {
        if (vm != null) {
            vm.close();
        }
    }

    DrivenVm boot(int cpus, boolean psci, String body) throws GunyahException {
        vm = new DrivenVm(PRELUDE + body + "\n        .ltorg\n", DrivenVm.devicetree(cpus, psci));
        return vm;
    }

    @Test
    void versionIs1_1() throws GunyahException {
        boot(1, true, """
                ldr x0, =VERSION
                hvc #0
                str x0, [x9]
            """);
        assertEquals(0x10001, vm.report(0));
    }

    @Test
    void featuresIsSuccessForWhatIsImplementedAndNotSupportedOtherwise() throws GunyahException {
        boot(1, true, """
                ldr x0, =FEATURES
                ldr x1, =CPU_ON
                hvc #0
                str x0, [x9]
                ldr x0, =FEATURES
                ldr x1, =CPU_SUSPEND
                hvc #0
                str x0, [x9]
                ldr x0, =FEATURES
                ldr x1, =0x80000000     // SMCCC_VERSION: not implemented
                hvc #0
                str x0, [x9]
                ldr x0, =FEATURES
                ldr x1, =0xc400000e     // SYSTEM_SUSPEND
                hvc #0
                str x0, [x9]
            """);
        assertEquals(0, vm.report(0), "CPU_ON");
        assertEquals(0, vm.report(0), "CPU_SUSPEND, original power_state format");
        assertEquals(-1, vm.report(0), "SMCCC_VERSION");
        assertEquals(-1, vm.report(0), "SYSTEM_SUSPEND");
    }

    @Test
    void anUnimplementedIdReturnsNotSupported() throws GunyahException {
        boot(1, true, """
                ldr x0, =0xc400000e     // SYSTEM_SUSPEND
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-1, vm.report(0));
    }

    @Test
    void migrateInfoTypeSaysNoMigrationIsNeeded() throws GunyahException {
        boot(1, true, """
                ldr x0, =MIGRATE_INFO_TYPE
                hvc #0
                str x0, [x9]
            """);
        assertEquals(2, vm.report(0));
    }

    @Test
    void secondaryPsciCpusStartPoweredOffAndWaitWithoutRunning() throws GunyahException {
        boot(2, true, """
                mov x10, #0xbad
                str x10, [x9]           // whoever runs this reports
            """);
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(1), "vCPU 1 waits for CPU_ON");
        assertEquals(0xbad, vm.report(0), "the boot vCPU runs from the entry");
    }

    @Test
    void withoutPsciInTheDevicetreeEveryCpuStartsAtTheEntry() throws GunyahException {
        boot(2, false, """
                mrs x10, mpidr_el1
                and x10, x10, #0xff
                str x10, [x9]
            """);
        assertEquals(1, vm.report(1));
        assertEquals(0, vm.report(0));
    }

    @Test
    void cpuOnStartsASecondaryAtItsEntryWithTheContextIdInX0AndOtherRegistersZero() throws GunyahException {
        boot(2, true, """
                mov x5, #0x55           // not the secondary's: it starts from reset
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, secondary
                ldr x3, =0x1234
                hvc #0
                str x0, [x9]
            park:
                wfi
                b park
            secondary:
                ldr x9, =REPORT         // a core from reset: every register but x0 is zero
                str x0, [x9]
                add x11, x1, x5
                str x11, [x9]
                mrs x12, mpidr_el1
                and x12, x12, #0xff
                str x12, [x9]
            """);
        AtomicInteger wakes = new AtomicInteger();
        vm.vcpus.get(1).setWakeupListener(wakes::incrementAndGet);
        assertEquals(0, vm.report(0), "SUCCESS");
        assertEquals(1, wakes.get(), "CPU_ON wakes the target's runner");
        assertEquals(0x1234, vm.report(1), "x0 = context id");
        assertEquals(0, vm.report(1), "the other registers are zero");
        assertEquals(1, vm.report(1), "the secondary is vCPU 1");
    }

    @Test
    void cpuOnOfARunningCpuIsAlreadyOn() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON
                mov x1, #0              // the caller itself
                adr x2, _start
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-4, vm.report(0));
    }

    @Test
    void cpuOnOfACpuNotStartedYetIsOnPending() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, _start
                hvc #0
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, _start
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-5, vm.report(0));
    }

    @Test
    void cpuOnOfAnUnknownMpidrIsInvalidParameters() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON
                mov x1, #2              // no vCPU 2
                adr x2, _start
                hvc #0
                str x0, [x9]
                ldr x0, =CPU_ON
                mov x1, #0x101          // Aff1 = 1: no such cluster
                adr x2, _start
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-2, vm.report(0));
        assertEquals(-2, vm.report(0));
    }

    @Test
    void cpuOnToAnEntryOutsideRamIsInvalidAddress() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON
                mov x1, #1
                mov x2, #0x1000
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-9, vm.report(0));
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(1), "still off");
    }

    @Test
    void theSmc32FormTakesItsArgumentsFromWRegisters() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON32
                ldr x1, =0xffffffff00000001   // target 1 in w1
                adr x2, secondary
                hvc #0
                str x0, [x9]
            park:
                wfi
                b park
            secondary:
                ldr x9, =REPORT         // a core from reset: every register but x0 is zero
                mov x10, #0x2
                str x10, [x9]
            """);
        assertEquals(0, vm.report(0));
        assertEquals(2, vm.report(1));
    }

    @Test
    void affinityInfoFollowsACpuFromOnPendingToOnToOffAfterCpuOff() throws GunyahException {
        boot(2, true, """
                ldr x0, =AFFINITY_INFO
                mov x1, #1
                mov x2, #0
                hvc #0
                str x0, [x9]            // off: never started
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, secondary
                hvc #0
                ldr x0, =AFFINITY_INFO
                mov x1, #1
                mov x2, #0
                hvc #0
                str x0, [x9]            // on pending
                ldr x10, [x9]           // the test runs the secondary
                ldr x0, =AFFINITY_INFO
                mov x1, #1
                mov x2, #0
                hvc #0
                str x0, [x9]            // on
                ldr x10, [x9]           // the secondary calls CPU_OFF
                ldr x0, =AFFINITY_INFO
                mov x1, #1
                mov x2, #0
                hvc #0
                str x0, [x9]            // off
            park:
                wfi
                b park
            secondary:
                ldr x9, =REPORT         // a core from reset: every register but x0 is zero
                str x0, [x9]
                ldr x10, [x9]
                ldr x0, =CPU_OFF
                hvc #0
                mov x10, #0xbad         // CPU_OFF does not return
                str x10, [x9]
            """);
        assertEquals(1, vm.report(0), "OFF");
        assertEquals(2, vm.report(0), "ON_PENDING");
        vm.runToWait(0);
        vm.report(1);
        vm.resume(0);
        assertEquals(0, vm.report(0), "ON");
        vm.runToWait(0);
        vm.runToWait(1);
        vm.resume(1);
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(1), "off after CPU_OFF");
        vm.resume(0);
        assertEquals(1, vm.report(0), "OFF");
    }

    @Test
    void affinityInfoAboveLevel0IsInvalidParameters() throws GunyahException {
        boot(2, true, """
                ldr x0, =AFFINITY_INFO
                mov x1, #0
                mov x2, #1
                hvc #0
                str x0, [x9]
            """);
        assertEquals(-2, vm.report(0));
    }

    @Test
    void aCpuTurnedOffStartsAgainAtTheNextCpuOn() throws GunyahException {
        boot(2, true, """
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, secondary
                mov x3, #1
                hvc #0
                ldr x10, [x9]           // the secondary runs and turns itself off
                ldr x0, =CPU_ON
                mov x1, #1
                adr x2, secondary
                mov x3, #2
                hvc #0
                str x0, [x9]
            park:
                wfi
                b park
            secondary:
                ldr x9, =REPORT         // a core from reset: every register but x0 is zero
                str x0, [x9]
                ldr x0, =CPU_OFF
                hvc #0
            """);
        vm.runToWait(0);
        assertEquals(1, vm.report(1), "first start");
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(1));
        vm.resume(0);
        assertEquals(0, vm.report(0), "SUCCESS");
        assertEquals(2, vm.report(1), "second start, with its own context id");
    }

    @Test
    void cpuSuspendWaitsAsWfiThenReturnsSuccess() throws GunyahException {
        vm = new DrivenVm(PRELUDE + """
                ldr x1, =0x08000000     // the GIC delivers the doorbell's SPI 3 (INTID 35) to vCPU 0
                mov w2, #0x12           // GICD_CTLR: ARE, EnableGrp1
                str w2, [x1]
                mov w2, #0x8
                str w2, [x1, #0x84]     // GICD_IGROUPR1: group 1
                str w2, [x1, #0x104]    // GICD_ISENABLER1: enabled
                ldr x1, =0x080a0000
                str wzr, [x1, #0x14]    // GICR_WAKER: awake
                mov x2, #0xff
                msr icc_pmr_el1, x2
                mov x2, #1
                msr icc_igrpen1_el1, x2
                mov x0, #0x55
                str x0, [x9]
                ldr x0, =CPU_SUSPEND
                mov x1, #0              // a standby state
                hvc #0
                str x0, [x9]
                .ltorg
            """, DrivenVm.devicetree(1, true, GuestImage.doorbell(3, 3, 0)));
        vm.report(0);
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(0), "waits for a wakeup");
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(0), "nothing pending: still waiting");
        vm.doorbells.getFirst().send(1); // an interrupt becomes pending (masked: the call returns)
        assertEquals(0, vm.report(0), "SUCCESS");
    }

    @Test
    void systemOffEndsTheVmExitedWithStatus0() throws GunyahException {
        boot(2, true, """
                ldr x0, =SYSTEM_OFF
                hvc #0
            """);
        assertInstanceOf(VcpuRunResult.PoweredOff.class, vm.run(0));
        assertEquals(RmVmState.EXITED, vm.vm.state());
        ExitInfo exit = vm.exit;
        assertNotNull(exit);
        assertEquals(ExitInfo.PSCI_POWER_OFF, exit.type());
        assertEquals(0, exit.code(), "the VMM shows EXITED(0)");
        assertInstanceOf(VcpuRunResult.PoweredOff.class, vm.run(1), "every vCPU is down");
    }

    @Test
    void systemResetEndsTheVmWithTheResetExit() throws GunyahException {
        boot(1, true, """
                ldr x0, =SYSTEM_RESET
                hvc #0
            """);
        assertInstanceOf(VcpuRunResult.PoweredOff.class, vm.run(0));
        assertEquals(ExitInfo.PSCI_SYSTEM_RESET, vm.exit.type());
    }

    @Test
    void stoppingTheVmEndsAPoweredOffCpuAtOnce() throws GunyahException {
        boot(2, true, "wfi\n");
        AtomicInteger wakes = new AtomicInteger();
        vm.vcpus.get(1).setWakeupListener(wakes::incrementAndGet);
        assertInstanceOf(VcpuRunResult.ExpectsWakeup.class, vm.run(1));
        vm.vm.stop();
        assertTrue(wakes.get() > 0, "its runner is woken");
        assertInstanceOf(VcpuRunResult.PoweredOff.class, vm.run(1));
    }

    @Test
    void releasingTheVmEndsItsTimersDeadlineThread() throws GunyahException {
        boot(1, true, """
                ldr x0, =0x3b9aca00     // a deadline far away (16 s)
                msr s3_3_c14_c3_0, x0   // CNTV_TVAL_EL0
                mov x0, #1
                msr s3_3_c14_c3_1, x0   // CNTV_CTL_EL0: enabled
                str x0, [x9]
            """);
        vm.report(0);
        String name = "gunyah-vm" + vm.vm.vmid() + "-timers";
        assertTrue(threadNamed(name), "armed: the VM's deadline thread runs");
        vm.close();
        vm = null;
        assertFalse(threadNamed(name), "gone with the VM");
    }

    static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
