package org.gunyah.vmm.shell;

import java.util.List;
import org.gunyah.vmm.managed.VmOverview;

/** {@code gunyah:vms}: every live VM. */
record VmTable(List<VmOverview> rows) implements Table {

    VmTable {
        rows = List.copyOf(rows);
    }

    @Override
    public List<String> headings() {
        return List.of("ID", "NAME", "HYPERVISOR", "STATUS", "VCPUS", "FUNCTIONS");
    }

    @Override
    public List<List<String>> cells() {
        return rows.stream()
                .map(r -> List.of(
                        Integer.toString(r.id()),
                        r.name(),
                        r.hypervisor(),
                        r.status(),
                        Integer.toString(r.vcpus()),
                        r.functions()))
                .toList();
    }

    @Override
    public String emptyText() {
        return "no VMs";
    }
}
