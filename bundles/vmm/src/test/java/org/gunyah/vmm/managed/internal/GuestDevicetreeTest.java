package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.DtProperty;
import org.junit.jupiter.api.Test;

class GuestDevicetreeTest {
    @Test
    void declaresOneCpuPerVcpuFunctionAndOneDoorbellPerIrqfdLabel() throws Exception {
        DtNode root = GuestDevicetree.of(
                List.of(
                        new VcpuArg(1).desc(),
                        new VcpuArg(0).desc(),
                        new IrqfdArg(5, 9, 0).desc(),
                        new IrqfdArg(6, 3, IrqfdArg.LEVEL).desc(),
                        new IrqfdArg(7, 9, 0).desc(),
                        IoeventfdArg.of(0x9000, 4, 8).desc()),
                java.util.Map.of(),
                0x4000_0000L,
                1 << 20);

        List<DtNode> cpus = root.child("cpus").orElseThrow().children();
        assertEquals(List.of("cpu@0", "cpu@1"), cpus.stream().map(DtNode::name).toList());
        List<DtNode> bells = root.child("hypervisor").orElseThrow().children();
        assertEquals(
                List.of("doorbell@3", "doorbell@9"),
                bells.stream().map(DtNode::name).toList());
        assertArrayEquals(
                new int[] {0, 1, 1},
                bells.get(1).property("interrupts").map(DtProperty::asU32Cells).orElseThrow());
        assertEquals(0, bells.get(1).property("gunyah,target-cpu").orElseThrow().asU32());
    }

    @Test
    void aDoorbellIsAimedAtTheCpuItsIrqfdNames() throws Exception {
        DtNode root = GuestDevicetree.of(
                List.of(
                        new VcpuArg(0).desc(),
                        new VcpuArg(1).desc(),
                        new IrqfdArg(5, 1, 0).desc(),
                        new IrqfdArg(6, 2, 0).desc()),
                java.util.Map.of(2, 1),
                0x4000_0000L,
                1 << 20);

        List<DtNode> bells = root.child("hypervisor").orElseThrow().children();
        assertEquals(0, bells.get(0).property("gunyah,target-cpu").orElseThrow().asU32());
        assertEquals(1, bells.get(1).property("gunyah,target-cpu").orElseThrow().asU32());
    }

    @Test
    void thePl011sDoorbellHasSpi1AndTheOtherLabelsPassOverIt() throws Exception {
        DtNode root = GuestDevicetree.of(
                List.of(
                        new VcpuArg(0).desc(),
                        new IrqfdArg(5, 1, 0).desc(),
                        new IrqfdArg(6, 2, 0).desc(),
                        new IrqfdArg(7, org.gunyah.vmm.managed.Devices.PL011_LABEL, IrqfdArg.LEVEL).desc()),
                java.util.Map.of(),
                0x4000_0000L,
                1 << 20);

        List<int[]> interrupts = root.child("hypervisor").orElseThrow().children().stream()
                .map(n -> n.property("interrupts").map(DtProperty::asU32Cells).orElseThrow())
                .toList();
        assertArrayEquals(new int[] {0, 0, 1}, interrupts.get(0));
        assertArrayEquals(new int[] {0, 2, 1}, interrupts.get(1));
        assertArrayEquals(new int[] {0, 1, 4}, interrupts.get(2));
    }
}
