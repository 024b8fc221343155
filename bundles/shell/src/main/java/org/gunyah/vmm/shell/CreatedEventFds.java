package org.gunyah.vmm.shell;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;

/**
 * The eventfds {@code fn-add} made, by VM and function, so that removing the function or
 * destroying the VM closes them and the shell going away closes the rest.
 */
final class CreatedEventFds {
    private record Entry(FunctionDesc desc, EventFd eventFd) {}

    private final Map<Integer, List<Entry>> byVm = new HashMap<>();

    synchronized void add(int vmId, FunctionDesc desc, EventFd eventFd) {
        byVm.computeIfAbsent(vmId, id -> new ArrayList<>()).add(new Entry(desc, eventFd));
    }

    /** Closes the eventfd made for the instance {@code desc} of that VM, if the shell made one. */
    synchronized void closeFor(int vmId, FunctionDesc desc) {
        List<Entry> entries = byVm.getOrDefault(vmId, List.of());
        for (Entry e : entries) {
            if (e.desc().equals(desc)) {
                e.eventFd().close();
                entries.remove(e);
                return;
            }
        }
    }

    synchronized void closeAll(int vmId) {
        List<Entry> entries = byVm.remove(vmId);
        if (entries != null) {
            entries.forEach(e -> e.eventFd().close());
        }
    }

    synchronized void closeAll() {
        byVm.values().forEach(l -> l.forEach(e -> e.eventFd().close()));
        byVm.clear();
    }
}
