package org.gunyah.vmm.internal.osgi;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.gunyah.vmm.spi.ProvideVmFunction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * depmod's index: which installed bundles provide the {@code gunyah.function} capability
 * ({@code gunyah.function=<name>;type:Long=<n>}), in every state but UNINSTALLED, resolved or not.
 * The one place that reads that capability. Kept by a {@link BundleTracker}, whose listener is
 * synchronous: a bundle is in the index when its install returns and out of it when its uninstall
 * returns; an update re-reads its new revision. Bundles installed by a deploy only to check a jar
 * ({@link #PROBE_LOCATION_PREFIX}) provide nothing.
 *
 * <p>Not {@code FrameworkWiring.findProviders}, although Felix 7.0.5 answers it from the
 * resolver's capability index, which holds an unresolved bundle's capabilities from its install:
 * except a singleton's, which enter that index only when some later resolve operation selects the
 * singleton (so whether {@code request_module} found it would depend on whether anything resolved
 * since), and the index also holds the old revisions of updated or uninstalled bundles still in
 * use, which would need filtering out. A tracker sees exactly the current revision of every
 * installed bundle, at once.
 */
final class FunctionBundleIndex implements AutoCloseable {
    /** Where a deploy installs a jar only to read its capability; such bundles provide nothing. */
    static final String PROBE_LOCATION_PREFIX = "gunyah-deploy-probe:";

    /** One declared function type: the bundle, the type number and its name. */
    record FunctionBundle(Bundle bundle, int type, String name) {
        String typeName() {
            return Integer.toUnsignedString(type);
        }
    }

    /** Highest version first; among equal versions, the bundle installed first. */
    private static final Comparator<FunctionBundle> PREFERRED = Comparator.comparing(
                    (FunctionBundle f) -> f.bundle().getVersion())
            .reversed()
            .thenComparingLong(f -> f.bundle().getBundleId());

    private final Map<Long, List<FunctionBundle>> byBundle = new ConcurrentHashMap<>();
    private final BundleTracker<Bundle> tracker;

    FunctionBundleIndex(BundleContext context) {
        int installed = Bundle.INSTALLED | Bundle.RESOLVED | Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING;
        tracker = new BundleTracker<>(context, installed, new Customizer());
    }

    FunctionBundleIndex open() {
        tracker.open();
        return this;
    }

    @Override
    public void close() {
        tracker.close();
        byBundle.clear();
    }

    /** The function types a bundle's current revision declares (none once it is uninstalled). */
    static List<FunctionBundle> declaredBy(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return List.of();
        }
        return revision.getDeclaredCapabilities(ProvideVmFunction.NAMESPACE).stream()
                .flatMap(cap -> parse(bundle, cap).stream())
                .toList();
    }

    /** A valid declaration: type a Long in 0..2^32-1; the name defaults to "type N". */
    private static Optional<FunctionBundle> parse(Bundle bundle, BundleCapability cap) {
        if (!(cap.getAttributes().get(ProvideVmFunction.TYPE_ATTRIBUTE) instanceof Long type)
                || type < 0
                || type > 0xffff_ffffL) {
            return Optional.empty();
        }
        Object name = cap.getAttributes().get(ProvideVmFunction.NAMESPACE);
        return Optional.of(new FunctionBundle(
                bundle, type.intValue(), name == null ? "type " + Long.toString(type) : name.toString()));
    }

    /** Every declaration of an installed bundle, the preferred provider of each type first. */
    List<FunctionBundle> all() {
        return byBundle.values().stream()
                .flatMap(List::stream)
                .sorted(PREFERRED)
                .toList();
    }

    /** The installed bundles declaring {@code type}, preferred first. */
    List<FunctionBundle> providers(int type) {
        return all().stream().filter(f -> f.type() == type).toList();
    }

    /** The bundle {@code request_module} would start for {@code type}. */
    Optional<FunctionBundle> provider(int type) {
        return providers(type).stream().findFirst();
    }

    /** The declarations whose type number (unsigned decimal) or name is {@code typeOrName}, preferred first. */
    List<FunctionBundle> named(String typeOrName) {
        return all().stream()
                .filter(f -> f.typeName().equals(typeOrName) || f.name().equals(typeOrName))
                .toList();
    }

    /** The type the bundle declares (its first declaration), whether or not it is indexed (a probe is not). */
    static Optional<FunctionBundle> declaration(Bundle bundle) {
        return declaredBy(bundle).stream().findFirst();
    }

    private static List<FunctionBundle> indexable(Bundle bundle) {
        return bundle.getLocation().startsWith(PROBE_LOCATION_PREFIX) ? List.of() : declaredBy(bundle);
    }

    private final class Customizer implements BundleTrackerCustomizer<Bundle> {
        @Override
        public Bundle addingBundle(Bundle bundle, BundleEvent event) {
            List<FunctionBundle> declared = indexable(bundle);
            if (declared.isEmpty()) {
                return null; // asked again on its next event, so an update that adds a declaration is seen
            }
            byBundle.put(bundle.getBundleId(), declared);
            return bundle;
        }

        @Override
        public void modifiedBundle(Bundle bundle, BundleEvent event, Bundle object) {
            byBundle.put(bundle.getBundleId(), indexable(bundle)); // an update brings a new revision
        }

        @Override
        public void removedBundle(Bundle bundle, BundleEvent event, Bundle object) {
            byBundle.remove(bundle.getBundleId());
        }
    }
}
