package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.List;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The emulated resource manager: VM ids, parcels, the state machine and the devicetree it reads. */
class ResourceManagerTest {
    final ResourceManager rm = new ResourceManager();
    final Arena arena = Arena.ofShared();
    final TestBed bed = new TestBed();

    @AfterEach
    void close() {
        bed.close();
        arena.close();
    }

    static void assertErrno(Errno expected, Executable call) {
        GunyahException e = assertThrows(GunyahException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
    }

    MemoryParcel parcel(int label, long gpa, long size) {
        return new MemoryParcel(label, gpa, arena.allocate(size, 4096), MemoryParcel.ACL_R | MemoryParcel.ACL_W, false);
    }

    @Test
    void vmIdsAreHandedOutLowestFirstAndComeBackOnClose() throws GunyahException {
        EmulatedVm a = rm.allocateVm();
        EmulatedVm b = rm.allocateVm();
        assertEquals(List.of(1, 2), List.of(a.vmid(), b.vmid()));
        a.close();
        assertEquals(1, rm.allocateVm().vmid());
        assertEquals(2, rm.allocatedVms());
        a.close();
        assertEquals(2, rm.allocatedVms(), "closing twice frees nothing twice");
    }

    @Test
    void parcelsMustBePageAlignedAndMustNotOverlap() throws GunyahException {
        EmulatedVm vm = rm.allocateVm();
        vm.share(parcel(0, 0x1000, 0x2000));
        assertErrno(Errno.EINVAL, () -> vm.share(parcel(1, 0x2000, 0x1000)));
        assertErrno(Errno.EINVAL, () -> vm.share(parcel(2, 0x10001, 0x1000)));
        assertEquals(1, vm.parcelCount());
    }

    @Test
    void initReadsTheDevicetreeAndHandsOutAVcpuPerCpuAndADoorbellPerNode() throws GunyahException {
        EmulatedVm vm = rm.allocateVm();
        var p = parcel(0, 0x4000_0000L, 0x4000);
        byte[] dtb = Fdt.encode(GuestImage.devicetree(2, GuestImage.doorbell(9, 3, 1)));
        p.memory().asByteBuffer().put(0x2000, dtb);
        int handle = vm.share(p);
        vm.configure(handle, 0, 0x2000, dtb.length);
        vm.init();
        assertEquals(RmVmState.READY, vm.state());
        List<HypervisorResource> res = vm.resources();
        assertEquals(List.of(ResourceType.VCPU, ResourceType.VCPU, ResourceType.BELL_TX), res.stream().map(HypervisorResource::type).toList());
        assertEquals(9, res.get(2).label());
        assertEquals(35, res.get(2).virq());
        assertTrue(res.stream().map(HypervisorResource::capId).distinct().count() == 3, "capability ids are distinct");
        vm.start();
        assertErrno(Errno.EBUSY, () -> vm.reclaim(handle));
    }

    Errno loadFailure(DtNode devicetree) throws GunyahException {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, "_start: wfi\n", devicetree);
        GunyahException e = assertThrows(GunyahException.class, vm::start);
        assertEquals(VmState.LOAD_FAILED, vm.state());
        assertEquals(0, bed.hypervisor.allocatedVms(), "a failed start gives the VM id back");
        return e.errno();
    }

    @Test
    void aDevicetreeWithoutCpusFailsTheLoad() throws GunyahException {
        assertEquals(Errno.EINVAL, loadFailure(DtNode.builder("").child(DtNode.builder("cpus").build()).build()));
    }

    @Test
    void twoDoorbellsOnOneSpiFailTheLoad() throws GunyahException {
        assertEquals(Errno.EINVAL, loadFailure(GuestImage.devicetree(1, GuestImage.doorbell(1, 4, 0), GuestImage.doorbell(2, 4, 0))));
    }

    @Test
    void aDoorbellForAnUndeclaredCpuFailsTheLoad() throws GunyahException {
        assertEquals(Errno.EINVAL, loadFailure(GuestImage.devicetree(1, GuestImage.doorbell(1, 4, 3))));
    }

    @Test
    void garbageWhereTheDtbShouldBeFailsTheLoad() throws GunyahException {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, "_start: wfi\n", GuestImage.devicetree(1));
        vm.setDtbConfig(GuestImage.BASE, 64); // points at the code, not the DTB
        assertErrno(Errno.EINVAL, vm::start);
        assertEquals(VmState.LOAD_FAILED, vm.state());
    }
}
