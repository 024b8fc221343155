package org.gunyah.vmm.spi.hypervisor;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.testing.Devicetrees;
import org.junit.jupiter.api.Test;

/** Where the VM's GICv3 is: its devicetree node compatible "arm,gic-v3", or the platform's map. */
class VmDescriptionGicTest {
    /** The VM's devicetree with a GIC node under the root, whose cells are 2 and 2 as Linux's are. */
    private static DtNode withGic(int cpus, long... reg) {
        DtNode vm = Devicetrees.vm(cpus);
        int[] cells = new int[reg.length * 2];
        for (int i = 0; i < reg.length; i++) {
            cells[2 * i] = (int) (reg[i] >>> 32);
            cells[2 * i + 1] = (int) reg[i];
        }
        DtNode.Builder root = DtNode.builder("").property("#address-cells", 2).property("#size-cells", 2);
        vm.children().forEach(root::child);
        return root.child(DtNode.builder("intc@8000000")
                        .property("compatible", "arm,gic-v3")
                        .property("reg", cells)
                        .build())
                .build();
    }

    @Test
    void withoutAGicNodeTheGicIsAtThePlatformsAddresses() throws GunyahException {
        VmDescription.Gic gic = VmDescription.from(Devicetrees.vm(2)).gic();
        assertEquals(VmDescription.Gic.DEFAULT, gic);
        assertEquals(0x0800_0000L, gic.distributorBase());
        assertEquals(0x080a_0000L, gic.redistributorBase());
    }

    @Test
    void aGicNodeGivesTheDistributorAndRedistributorRegions() throws GunyahException {
        VmDescription.Gic gic = VmDescription.from(withGic(2, 0x1_2000_0000L, 0x1_0000, 0x1_3000_0000L, 0x4_0000))
                .gic();
        assertEquals(new VmDescription.Gic(0x1_2000_0000L, 0x1_0000, 0x1_3000_0000L, 0x4_0000), gic);
    }

    @Test
    void aRedistributorRegionTooSmallForTheVcpusIsEinval() {
        GunyahException e = assertErrno(
                Errno.EINVAL, () -> VmDescription.from(withGic(4, 0x0800_0000L, 0x1_0000, 0x080a_0000L, 0x6_0000)));
        assertTrue(e.getMessage().contains("4 vCPUs need 0x80000"), e.getMessage());
    }

    @Test
    void aGicNodeWithoutBothRegionsIsEinval() {
        assertErrno(Errno.EINVAL, () -> VmDescription.from(withGic(1, 0x0800_0000L, 0x1_0000)));
    }
}
