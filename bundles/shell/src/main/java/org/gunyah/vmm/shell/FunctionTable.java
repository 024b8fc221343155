package org.gunyah.vmm.shell;

import java.util.List;

/** {@code gunyah:functions}: every known function type, one row per providing or refused bundle. */
record FunctionTable(List<Row> rows) implements Table {

    /** {@code users}: the VMs with instances, as {@code name(count)}. */
    record Row(long type, String name, String bundle, String version, String state, int instances, String users) {}

    FunctionTable {
        rows = List.copyOf(rows);
    }

    @Override
    public List<String> headings() {
        return List.of("TYPE", "NAME", "BUNDLE", "VERSION", "STATE", "INSTANCES", "USERS");
    }

    @Override
    public List<List<String>> cells() {
        return rows.stream()
                .map(r -> List.of(
                        Long.toString(r.type()),
                        r.name(),
                        r.bundle(),
                        r.version(),
                        r.state(),
                        Integer.toString(r.instances()),
                        r.users()))
                .toList();
    }

    @Override
    public String emptyText() {
        return "no function types: no function bundle is installed";
    }
}
