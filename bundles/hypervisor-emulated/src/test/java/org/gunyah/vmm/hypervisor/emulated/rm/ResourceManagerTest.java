package org.gunyah.vmm.hypervisor.emulated.rm;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only the emulated resource manager does; the state machine and its errnos are the contract
 * every backend meets ({@link EmulatedVmContractTest}).
 */
class ResourceManagerTest {
    final ResourceManager rm = new ResourceManager();
    final Arena arena = Arena.ofShared();
    final TestBed bed = new TestBed();

    @AfterEach
    void close() {
        bed.close();
        arena.close();
    }

    @Test
    void aDoorbellRaisesGicIntid32PlusItsSpi() throws GunyahException {
        EmulatedVm vm = rm.allocateVm();
        var p = new MemoryParcel(
                0, 0x4000_0000L, arena.allocate(0x4000, 4096), MemoryParcel.ACL_R | MemoryParcel.ACL_W, false);
        byte[] dtb = Fdt.encode(GuestImage.devicetree(2, GuestImage.doorbell(9, 3, 1)));
        p.memory().asByteBuffer().put(0x2000, dtb);
        vm.configure(vm.share(p), 0, 0x2000, dtb.length);
        vm.init();
        List<HypervisorResource> res = vm.resources();
        assertEquals(35, res.get(2).virq());
        vm.close();
    }

    @Test
    void aFailedInitFailsTheVmsLoadAndGivesItsIdBack() throws GunyahException {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, "_start: wfi\n", GuestImage.devicetree(1));
        vm.setDtbConfig(GuestImage.BASE, 64); // points at the code, not the DTB
        assertErrno(Errno.EINVAL, vm::start);
        assertEquals(VmState.LOAD_FAILED, vm.state());
        assertEquals(0, bed.hypervisor.allocatedVms());
    }
}
