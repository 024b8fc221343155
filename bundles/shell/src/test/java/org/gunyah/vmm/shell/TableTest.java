package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.felix.service.command.Converter;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.managed.VmOverview;
import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsArePaddedToTheirWidestCell() {
        VmTable t = new VmTable(List.of(
                new VmOverview(1, "web", "emulated", "RUNNING", 2, "vcpu:0,1"),
                new VmOverview(12, "-", "kvm", "CREATED", 0, "-")));

        assertEquals("""
            ID  NAME  HYPERVISOR  STATUS   VCPUS  FUNCTIONS
            1   web   emulated    RUNNING  2      vcpu:0,1
            12  -     kvm         CREATED  0      -\
            """, t.render());
    }

    @Test
    void anEmptyTableSaysSo() {
        assertEquals("no VMs", new VmTable(List.of()).render());
    }

    @Test
    void theConverterPrintsTablesAndLeavesOtherValuesAlone() {
        TableConverter c = new TableConverter();
        VmTable t = new VmTable(List.of());

        assertEquals("no VMs", c.format(t, Converter.INSPECT, null));
        assertEquals("0 rows", c.format(t, Converter.PART, null));
        assertEquals(null, c.format("text", Converter.INSPECT, null));
    }

    @Test
    void theFunctionSummaryListsVcpuIdsAndCountsTheRest() {
        assertEquals(
                "irqfd:2 vcpu:0,1",
                VmOverview.summary(List.of(
                        new VcpuArg(0).desc(),
                        new IrqfdArg(3, 1, 0).desc(),
                        new VcpuArg(1).desc(),
                        new IrqfdArg(4, 2, 0).desc())));
        assertEquals("-", VmOverview.summary(List.of()));
    }
}
