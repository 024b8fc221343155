package org.gunyah.vmm.function.vcpu;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VcpuExit;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmStatus;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.gunyah.vmm.testing.RunnerThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GH_VCPU_RUN's rules, each on a small guest. */
class VcpuFunctionTest {
    private final TestBed bed = new TestBed();
    private final TestFunctions.Provider provider = bed.provide(FunctionType.VCPU, new VcpuFunction());
    private final Vm vm;

    VcpuFunctionTest() throws GunyahException {
        vm = bed.vm();
    }

    @AfterEach
    void close() {
        bed.close();
    }

    private Vcpu boot(String source) throws GunyahException {
        GuestImage.load(vm, bed.arena, source, GuestImage.devicetree(1));
        Vcpu vcpu = vm.addFunction(new VcpuArg(0).desc()).as(Vcpu.class);
        vm.start();
        return vcpu;
    }

    static final String WRITE_THEN_EXIT = """
        _start: ldr x1, =0x09000000
                mov w2, #7
                str w2, [x1]
                ldr x0, =0xc6000001
                mov x1, #9
                hvc #0
        """;

    static final String READ_THEN_EXIT_WITH_IT = """
        _start: ldr x1, =0x09000000
                ldrsb x1, [x1]
                ldr x0, =0xc6000001
                hvc #0
        """;

    static final String SPIN = """
        _start: b _start
        """;

    @Test
    void anArgumentThatIsNot4BytesIsEinval() {
        for (int size : new int[] {0, 3, 5, 8}) {
            assertErrno(Errno.EINVAL, () -> vm.addFunction(new FunctionDesc(FunctionType.VCPU, new byte[size])));
        }
        assertEquals(List.of(), vm.functions());
        assertEquals(0, provider.pins.get());
    }

    @Test
    void aSecondVcpuWithTheSameIdIsEexist() throws GunyahException {
        vm.addFunction(new VcpuArg(3).desc());
        assertErrno(Errno.EEXIST, () -> vm.addFunction(new VcpuArg(3).desc()));
        assertEquals(1, provider.pins.get());
    }

    @Test
    void removalNamesTheId() throws GunyahException {
        Vcpu vcpu = vm.addFunction(new VcpuArg(3).desc()).as(Vcpu.class);
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(new VcpuArg(4).desc()));
        vm.removeFunction(new VcpuArg(3).desc());
        assertEquals(0, provider.pins.get());
        assertErrno(Errno.ENODEV, vcpu::run);
    }

    @Test
    void runningBeforeTheVmStartedIsEnodev() throws GunyahException {
        Vcpu vcpu = vm.addFunction(new VcpuArg(0).desc()).as(Vcpu.class);
        assertErrno(Errno.ENODEV, vcpu::run);
    }

    @Test
    void anUnhandledWriteIsAnMmioExitAndTheExitStatusFollows() throws GunyahException {
        Vcpu vcpu = boot(WRITE_THEN_EXIT);
        assertEquals(new VcpuExit.Mmio(0x0900_0000L, 4, true, 7), vcpu.run());
        VcpuExit.Status s = assertInstanceOf(VcpuExit.Status.class, vcpu.run());
        assertEquals(VmStatus.EXITED, s.status());
        assertEquals(9, s.exitInfo().code());
    }

    @Test
    void theDataOfAnMmioReadReachesTheGuestOnTheNextRun() throws GunyahException {
        Vcpu vcpu = boot(READ_THEN_EXIT_WITH_IT);
        assertEquals(new VcpuExit.Mmio(0x0900_0000L, 1, false, 0), vcpu.run());
        vcpu.setMmioData(0xfff0); // only the first byte counts, and the guest sign-extends it
        VcpuExit.Status s = assertInstanceOf(VcpuExit.Status.class, vcpu.run());
        assertEquals(-16, s.exitInfo().code());
    }

    @Test
    void aStatusExitIsFinal() throws GunyahException {
        Vcpu vcpu = boot(WRITE_THEN_EXIT);
        vcpu.run();
        VcpuExit first = vcpu.run();
        assertSame(first, vcpu.run());
    }

    @Test
    void anUndefinedInstructionCrashesTheVm() throws GunyahException {
        Vcpu vcpu = boot("_start: .word 0\n");
        VcpuExit.Status s = assertInstanceOf(VcpuExit.Status.class, vcpu.run());
        assertEquals(VmStatus.CRASHED, s.status());
    }

    @Test
    void aFailedStartIsReportedAsLoadFailed() throws GunyahException {
        GuestImage.load(vm, bed.arena, SPIN, DtNode.builder("").build());
        Vcpu vcpu = vm.addFunction(new VcpuArg(0).desc()).as(Vcpu.class);
        assertErrno(Errno.EINVAL, vm::start);
        VcpuExit.Status s = assertInstanceOf(VcpuExit.Status.class, vcpu.run());
        assertEquals(VmStatus.LOAD_FAILED, s.status());
    }

    @Test
    void immediateExitIsEintrAndTheVcpuRunsOnceItIsCleared() throws GunyahException {
        Vcpu vcpu = boot(WRITE_THEN_EXIT);
        vcpu.setImmediateExit(true);
        assertErrno(Errno.EINTR, vcpu::run);
        assertTrue(vcpu.immediateExit(), "the flag is the caller's to clear");
        vcpu.setImmediateExit(false);
        assertInstanceOf(VcpuExit.Mmio.class, vcpu.run());
    }

    @Test
    void aKickInterruptsARunningGuest() throws Exception {
        Vcpu vcpu = boot(SPIN);
        RunnerThread runner = RunnerThread.start(vcpu);
        vcpu.kick();
        ExecutionException e = assertThrows(ExecutionException.class, () -> runner.result(5));
        assertEquals(Errno.EINTR, ((GunyahException) e.getCause()).errno());
    }

    @Test
    void aSecondRunnerIsEbusy() throws Exception {
        Vcpu vcpu = boot(GuestImage.PARKED);
        RunnerThread runner = RunnerThread.start(vcpu);
        runner.awaitAsleep();
        assertErrno(Errno.EBUSY, vcpu::run);
        vcpu.kick();
        ExecutionException e = assertThrows(ExecutionException.class, () -> runner.result(5));
        assertEquals(Errno.EINTR, ((GunyahException) e.getCause()).errno());
    }

    @Test
    void removingTheFunctionReturnsARunnerPromptly() throws Exception {
        Vcpu vcpu = boot(GuestImage.PARKED);
        RunnerThread runner = RunnerThread.start(vcpu);
        runner.awaitAsleep();
        vm.removeFunction(new VcpuArg(0).desc());
        ExecutionException e = assertThrows(ExecutionException.class, () -> runner.result(5));
        assertEquals(Errno.EINTR, ((GunyahException) e.getCause()).errno());
        assertFalse(vm.functions().contains(new VcpuArg(0).desc()));
        assertEquals(0, provider.pins.get());
    }

    @Test
    void closeRacingRunsFromManyThreadsReturnsEveryRunnerAndLeavesNothing() throws Exception {
        Vcpu vcpu = boot(SPIN);
        Set<Errno> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> runners = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            runners.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    for (int i = 0; i < 10_000; i++) {
                        try {
                            if (vcpu.run() instanceof VcpuExit.Status) {
                                return;
                            }
                        } catch (GunyahException e) {
                            seen.add(e.errno());
                            if (e.errno() == Errno.ENODEV) {
                                return;
                            }
                        }
                    }
                } catch (InterruptedException | RuntimeException e) {
                    unexpected.add(e);
                }
            }));
        }

        go.countDown();
        vm.close();
        for (Thread t : runners) {
            t.join(Duration.ofSeconds(10));
            assertFalse(t.isAlive(), "a runner is still in the guest after close");
        }

        assertEquals(List.of(), unexpected);
        assertTrue(Set.of(Errno.EBUSY, Errno.EINTR, Errno.ENODEV).containsAll(seen), seen.toString());
        assertEquals(0, provider.pins.get());
        assertEquals(0, bed.hypervisor.allocatedVms());
    }
}
