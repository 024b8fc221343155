package org.gunyah.vmm.internal.manager;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;

/** The available backends, preferred first: highest service.ranking, then oldest service. */
final class HypervisorSet {
    private record Ranked(Hypervisor hypervisor, int ranking, long serviceId) {}

    private static final Comparator<Ranked> PREFERENCE =
            Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId);

    private final List<Ranked> ranked = new ArrayList<>();

    synchronized void add(Hypervisor h, int ranking, long serviceId) {
        ranked.add(new Ranked(h, ranking, serviceId));
        ranked.sort(PREFERENCE);
    }

    synchronized void remove(Hypervisor h) {
        ranked.removeIf(r -> r.hypervisor() == h);
    }

    synchronized Optional<Hypervisor> preferred() {
        return ranked.stream().findFirst().map(Ranked::hypervisor);
    }

    synchronized Optional<Hypervisor> named(String name) {
        return ranked.stream()
                .map(Ranked::hypervisor)
                .filter(h -> h.name().equals(name))
                .findFirst();
    }

    synchronized List<String> names() {
        return ranked.stream().map(r -> r.hypervisor().name()).toList();
    }
}
