package org.gunyah.vmm.testing;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.ResourceManagerVm;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resource manager's contract, which every backend meets the same way: VM ids, parcels, the
 * state machine with its errnos, the devicetree INIT reads, and the notifications. A backend's test
 * extends this and supplies itself and three guests in its own machine code.
 */
public abstract class HypervisorVmContract {
    /** Where the test guests run: their image at the start of the parcel, the DTB further in. */
    protected static final long BASE = 0x4000_0000L;

    private static final long RAM = 0x20_000;
    private static final long DTB_OFFSET = 0x1_8000;
    private static final long RUN_LIMIT = 1_000_000;

    private final Arena arena = Arena.ofShared();
    private final ExecutorService runners = Executors.newCachedThreadPool();
    private final List<HypervisorVm> vms = new ArrayList<>();
    protected Hypervisor hypervisor;

    /** The backend under test; may abort the test when it cannot run here. */
    protected abstract Hypervisor newHypervisor();

    /** An image whose first vCPU exits at once through the backend's exit call, with code 7. */
    protected abstract byte[] guestExitingWith7();

    /** An image whose first vCPU runs something the backend cannot run (the VM crashes). */
    protected abstract byte[] guestThatCrashes();

    /** An image whose vCPUs loop forever without exits of their own. */
    protected abstract byte[] guestThatSpins();

    /** Releases the backend after the test, when it holds anything. */
    protected void closeHypervisor() {}

    @BeforeEach
    void openHypervisor() {
        hypervisor = newHypervisor();
    }

    @AfterEach
    void releaseEverything() throws InterruptedException {
        vms.forEach(HypervisorVm::close);
        runners.shutdownNow();
        assertTrue(runners.awaitTermination(10, TimeUnit.SECONDS), "every vCPU runner returned");
        assertEquals(0, hypervisor.allocatedVms(), "every VM id is free again");
        closeHypervisor();
        arena.close();
    }

    /** Records the RM's notifications. */
    protected static final class Notifications implements RmListener {
        final List<ExitInfo> exits = new CopyOnWriteArrayList<>();
        final List<String> crashes = new CopyOnWriteArrayList<>();
        final List<RmVmState> states = new CopyOnWriteArrayList<>();

        @Override
        public void exited(ExitInfo info) {
            exits.add(info);
        }

        @Override
        public void status(RmVmState state) {
            states.add(state);
        }

        @Override
        public void crashed(String reason) {
            crashes.add(reason);
        }
    }

    protected HypervisorVm allocate() throws GunyahException {
        HypervisorVm vm = hypervisor.allocateVm();
        vms.add(vm);
        return vm;
    }

    protected MemoryParcel parcel(int label, long gpa, long size) {
        return new MemoryParcel(
                label,
                gpa,
                arena.allocate(size, MemoryParcel.PAGE),
                MemoryParcel.ACL_R | MemoryParcel.ACL_W | MemoryParcel.ACL_X,
                false);
    }

    /** A VM in LOAD with one parcel holding {@code image} and {@code devicetree}, configured; returns its handle. */
    private int load(HypervisorVm vm, byte[] image, DtNode devicetree) throws GunyahException {
        MemoryParcel p = parcel(0, BASE, RAM);
        MemorySegment.copy(image, 0, p.memory(), ValueLayout.JAVA_BYTE, 0, image.length);
        byte[] dtb = Fdt.encode(devicetree);
        MemorySegment.copy(dtb, 0, p.memory(), ValueLayout.JAVA_BYTE, DTB_OFFSET, dtb.length);
        int handle = vm.share(p);
        vm.configure(handle, 0, DTB_OFFSET, dtb.length);
        return handle;
    }

    /** A VM in READY from {@code image} and {@code devicetree}. */
    private HypervisorVm ready(byte[] image, DtNode devicetree, RmListener listener) throws GunyahException {
        HypervisorVm vm = allocate();
        vm.setListener(listener);
        load(vm, image, devicetree);
        vm.init();
        return vm;
    }

    private static HypervisorVcpu vcpu(HypervisorVm vm, int index) throws GunyahException {
        return (HypervisorVcpu) vm.resources().stream()
                .filter(r -> r.type() == ResourceType.VCPU)
                .toList()
                .get(index);
    }

    /** Runs a vCPU until it is powered off, answering MMIO reads with 0 and ignoring writes. */
    private static VcpuRunResult runUntilOff(HypervisorVcpu vcpu) throws GunyahException {
        for (long i = 0; i < RUN_LIMIT; i++) {
            switch (vcpu.run()) {
                case VcpuRunResult.PoweredOff off -> {
                    return off;
                }
                case VcpuRunResult.MmioRead r -> vcpu.resumeMmioRead(0);
                case VcpuRunResult other -> {
                    // READY, a wait, a write: run again
                }
            }
        }
        throw new AssertionError("the vCPU was still running after " + RUN_LIMIT + " runs");
    }

    private Future<VcpuRunResult> runInBackground(HypervisorVcpu vcpu) {
        return runners.submit(() -> runUntilOff(vcpu));
    }

    private Errno initFailure(DtNode devicetree) throws GunyahException {
        HypervisorVm vm = allocate();
        load(vm, guestThatSpins(), devicetree);
        Errno errno = assertErrno(Errno.EINVAL, vm::init).errno();
        assertEquals(RmVmState.INIT_FAILED, vm.state());
        return errno;
    }

    @Test
    void vmIdsAreHandedOutLowestFirstAndComeBackOnClose() throws GunyahException {
        HypervisorVm a = allocate();
        HypervisorVm b = allocate();
        assertEquals(List.of(1, 2), List.of(a.vmid(), b.vmid()));
        a.close();
        assertEquals(1, allocate().vmid());
        assertEquals(2, hypervisor.allocatedVms());
    }

    @Test
    void closingTwiceFreesTheIdOnce() throws GunyahException {
        HypervisorVm a = allocate();
        allocate();
        a.close();
        a.close();
        assertEquals(1, hypervisor.allocatedVms());
    }

    @Test
    void aNewVmIsInLoad() throws GunyahException {
        assertEquals(RmVmState.LOAD, allocate().state());
    }

    @Test
    void aParcelThatIsNotPageAlignedIsRefused() throws GunyahException {
        HypervisorVm vm = allocate();
        MemoryParcel p = parcel(0, BASE, 0x2000);
        assertErrno(Errno.EINVAL, () -> vm.share(new MemoryParcel(1, BASE + 1, p.memory(), p.guestAccess(), false)));
        assertErrno(
                Errno.EINVAL,
                () -> vm.share(new MemoryParcel(2, BASE, p.memory().asSlice(0, 0x1800), p.guestAccess(), false)));
    }

    @Test
    void anOverlappingParcelIsRefusedAndTheFirstStays() throws GunyahException {
        HypervisorVm vm = allocate();
        vm.share(parcel(0, BASE, 0x2000));
        assertErrno(Errno.EINVAL, () -> vm.share(parcel(1, BASE + 0x1000, 0x1000)));
        assertEquals(1, parcels(vm));
    }

    @Test
    void aReclaimedParcelsRangeCanBeSharedAgain() throws GunyahException {
        HypervisorVm vm = allocate();
        for (int i = 0; i < 40; i++) {
            vm.reclaim(vm.share(parcel(i, BASE, 0x1000)));
        }
        vm.share(parcel(99, BASE, 0x1000));
        assertEquals(1, parcels(vm));
    }

    @Test
    void reclaimingAnUnknownHandleIsEinval() throws GunyahException {
        HypervisorVm vm = allocate();
        assertErrno(Errno.EINVAL, () -> vm.reclaim(42));
    }

    @Test
    void memoryIsSharedOnlyInLoad() throws GunyahException {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), new Notifications());
        assertErrno(Errno.EINVAL, () -> vm.share(parcel(1, 0x1000_0000L, 0x1000)));
    }

    @Test
    void reclaimingFromARunningVmIsEbusy() throws GunyahException {
        HypervisorVm vm = allocate();
        int handle = load(vm, guestThatSpins(), Devicetrees.vm(1));
        vm.init();
        vm.start();
        assertErrno(Errno.EBUSY, () -> vm.reclaim(handle));
    }

    @Test
    void configuringAnUnknownParcelIsEinval() throws GunyahException {
        HypervisorVm vm = allocate();
        assertErrno(Errno.EINVAL, () -> vm.configure(7, 0, 0, 0x100));
    }

    @Test
    void anImageOrDevicetreeOutsideItsParcelIsEinval() throws GunyahException {
        HypervisorVm vm = allocate();
        int handle = vm.share(parcel(0, BASE, 0x2000));
        assertErrno(Errno.EINVAL, () -> vm.configure(handle, 0x2000, 0, 0x100));
        assertErrno(Errno.EINVAL, () -> vm.configure(handle, 0, 0x1f00, 0x200));
        assertErrno(Errno.EINVAL, () -> vm.configure(handle, 0, 0x2000, 0));
    }

    @Test
    void initWithoutAnImageFails() throws GunyahException {
        HypervisorVm vm = allocate();
        assertErrno(Errno.EINVAL, vm::init);
        assertEquals(RmVmState.INIT_FAILED, vm.state());
    }

    @Test
    void initReadsTheDevicetreeAndHandsOutAVcpuPerCpuAndADoorbellPerNode() throws GunyahException {
        HypervisorVm vm =
                ready(guestThatSpins(), Devicetrees.vm(2, Devicetrees.doorbell(9, 3, 1)), new Notifications());
        assertEquals(RmVmState.READY, vm.state());
        List<HypervisorResource> res = vm.resources();
        assertEquals(
                List.of(ResourceType.VCPU, ResourceType.VCPU, ResourceType.BELL_TX),
                res.stream().map(HypervisorResource::type).toList());
        assertEquals(
                List.of(0, 1, 9), res.stream().map(HypervisorResource::label).toList());
        assertEquals(3, res.stream().map(HypervisorResource::capId).distinct().count(), "capability ids are distinct");
    }

    @Test
    void aDevicetreeWithoutCpusFailsInit() throws GunyahException {
        initFailure(DtNode.builder("").child(DtNode.builder("cpus").build()).build());
    }

    @Test
    void twoDoorbellsOnOneSpiFailInit() throws GunyahException {
        initFailure(Devicetrees.vm(1, Devicetrees.doorbell(1, 4, 0), Devicetrees.doorbell(2, 4, 0)));
    }

    @Test
    void aDoorbellForAnUndeclaredCpuFailsInit() throws GunyahException {
        initFailure(Devicetrees.vm(1, Devicetrees.doorbell(1, 4, 3)));
    }

    @Test
    void garbageWhereTheDevicetreeShouldBeFailsInit() throws GunyahException {
        HypervisorVm vm = allocate();
        int handle = load(vm, guestThatSpins(), Devicetrees.vm(1));
        vm.configure(handle, 0, 0, 64); // the code, not the DTB
        assertErrno(Errno.EINVAL, vm::init);
        assertEquals(RmVmState.INIT_FAILED, vm.state());
    }

    @Test
    void resourcesExistFromReadyOn() throws GunyahException {
        HypervisorVm vm = allocate();
        assertErrno(Errno.EINVAL, vm::resources);
    }

    @Test
    void startIsOnlyFromReady() throws GunyahException {
        HypervisorVm vm = allocate();
        assertErrno(Errno.EINVAL, vm::start);
        load(vm, guestThatSpins(), Devicetrees.vm(1));
        vm.init();
        vm.start();
        assertEquals(RmVmState.RUNNING, vm.state());
        assertErrno(Errno.EINVAL, vm::start);
    }

    @Test
    void stopIsOnlyForARunningVm() throws GunyahException {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), new Notifications());
        assertErrno(Errno.EINVAL, vm::stop);
    }

    @Test
    void stopEndsTheVmAndNotifiesAForceStopOnce() throws GunyahException {
        Notifications n = new Notifications();
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), n);
        vm.start();
        vm.stop();
        assertEquals(RmVmState.EXITED, vm.state());
        assertErrno(Errno.EINVAL, vm::stop);
        assertEquals(List.of(ExitInfo.withCode(ExitInfo.VM_FORCE_STOPPED, 0)), n.exits);
    }

    @Test
    void stopReturnsAVcpuRunningOnAnotherThread() throws Exception {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(2), new Notifications());
        vm.start();
        Future<VcpuRunResult> r0 = runInBackground(vcpu(vm, 0));
        Future<VcpuRunResult> r1 = runInBackground(vcpu(vm, 1));
        vm.stop();
        assertEquals(VcpuRunResult.POWERED_OFF, r0.get(10, TimeUnit.SECONDS));
        assertEquals(VcpuRunResult.POWERED_OFF, r1.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closingARunningVmReturnsItsRunner() throws Exception {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), new Notifications());
        vm.start();
        Future<VcpuRunResult> r0 = runInBackground(vcpu(vm, 0));
        vm.close();
        assertEquals(VcpuRunResult.POWERED_OFF, r0.get(10, TimeUnit.SECONDS));
    }

    @Test
    void resetIsRefusedWhileRunning() throws GunyahException {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), new Notifications());
        vm.start();
        assertErrno(Errno.EBUSY, vm::reset);
        assertEquals(RmVmState.RUNNING, vm.state());
    }

    @Test
    void resetTakesTheResourcesAndNotifiesReset() throws GunyahException {
        Notifications n = new Notifications();
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1, Devicetrees.doorbell(1, 2, 0)), n);
        vm.start();
        vm.stop();
        vm.reset();
        assertEquals(RmVmState.RESET, vm.state());
        assertEquals(List.of(RmVmState.RESET), n.states);
        assertErrno(Errno.EINVAL, vm::resources);
    }

    @Test
    void aReleasedVmRefusesEveryCall() throws GunyahException {
        HypervisorVm vm = allocate();
        int handle = vm.share(parcel(0, BASE, 0x1000));
        vm.close();
        assertErrno(Errno.EINVAL, () -> vm.share(parcel(1, 0x1000_0000L, 0x1000)));
        assertErrno(Errno.EINVAL, () -> vm.configure(handle, 0, 0, 0x100));
        assertErrno(Errno.EINVAL, vm::init);
        assertErrno(Errno.EINVAL, vm::start);
        assertErrno(Errno.EINVAL, vm::reset);
    }

    @Test
    void theGuestsExitCallEndsTheVmWithItsCode() throws GunyahException {
        Notifications n = new Notifications();
        HypervisorVm vm = ready(guestExitingWith7(), Devicetrees.vm(1), n);
        vm.start();
        assertEquals(VcpuRunResult.POWERED_OFF, runUntilOff(vcpu(vm, 0)));
        assertEquals(RmVmState.EXITED, vm.state());
        assertEquals(List.of(ExitInfo.withCode(ExitInfo.VM_EXIT, 7)), n.exits);
        assertEquals(List.of(), n.crashes);
    }

    @Test
    void aCrashEndsTheVmAndSaysWhichVcpu() throws GunyahException {
        Notifications n = new Notifications();
        HypervisorVm vm = ready(guestThatCrashes(), Devicetrees.vm(1), n);
        vm.start();
        assertEquals(VcpuRunResult.POWERED_OFF, runUntilOff(vcpu(vm, 0)));
        assertEquals(RmVmState.EXITED, vm.state());
        assertEquals(1, n.crashes.size());
        assertTrue(n.crashes.getFirst().startsWith("vCPU 0"), n.crashes.getFirst());
        assertEquals(List.of(), n.exits);
    }

    @Test
    void aVcpuOfAnExitedVmStaysOff() throws GunyahException {
        HypervisorVm vm = ready(guestThatSpins(), Devicetrees.vm(1), new Notifications());
        HypervisorVcpu vcpu = vcpu(vm, 0);
        vm.start();
        vm.stop();
        assertEquals(VcpuRunResult.POWERED_OFF, vcpu.run());
    }

    private static int parcels(HypervisorVm vm) {
        return ((ResourceManagerVm) vm).parcelCount();
    }
}
