package org.gunyah.vmm.internal.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.internal.osgi.FunctionBundleIndex.FunctionBundle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * The index of function bundles, fed the bundle events a framework delivers. Bundles are fakes whose
 * current revision declares what each test says; the index reads nothing else.
 */
class FunctionBundleIndexTest {
    private final List<FakeBundle> installed = new ArrayList<>();
    private final List<BundleListener> listeners = new ArrayList<>();
    private final BundleContext context = proxy(BundleContext.class, (method, args) -> switch (method) {
        case "addBundleListener" -> listeners.add((BundleListener) args[0]);
        case "removeBundleListener" -> listeners.remove((BundleListener) args[0]);
        case "getBundles" -> installed.stream().map(FakeBundle::bundle).toArray(Bundle[]::new);
        default -> null;
    });
    private FunctionBundleIndex index;
    private long nextId = 1;

    @AfterEach
    void close() {
        if (index != null) {
            index.close();
        }
    }

    @Test
    void aBundleInstalledButNotResolvedIsFoundByItsType() {
        FakeBundle irqfd = install("irqfd", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        assertEquals(Bundle.INSTALLED, irqfd.state);
        assertEquals(Optional.of(irqfd.bundle()), index.provider(2).map(FunctionBundle::bundle));
    }

    @Test
    void aBundleInstalledWhileOpenIsFoundOnceItsInstallReturns() {
        open();
        FakeBundle vcpu = install("vcpu", "1.0.0", Map.of("gunyah.function", "vcpu", "type", 1L));
        assertEquals(List.of(new FunctionBundle(vcpu.bundle(), 1, "vcpu")), index.all());
    }

    @Test
    void anUninstalledBundleProvidesNothing() {
        FakeBundle irqfd = install("irqfd", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        uninstall(irqfd);
        assertEquals(Optional.empty(), index.provider(2));
    }

    @Test
    void theHighestVersionIsPreferredThenTheBundleInstalledFirst() {
        FakeBundle first = install("a", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        FakeBundle newest = install("b", "2.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        FakeBundle second = install("c", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        assertEquals(
                List.of(newest.bundle(), first.bundle(), second.bundle()),
                index.providers(2).stream().map(FunctionBundle::bundle).toList());
    }

    @Test
    void aDeployProbeIsNoProviderButItsDeclarationIsReadable() {
        FakeBundle probe = install(
                FunctionBundleIndex.PROBE_LOCATION_PREFIX + "file:/tmp/x.jar",
                "probe",
                "1.0.0",
                Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        assertEquals(Optional.empty(), index.provider(2));
        assertEquals(
                2, FunctionBundleIndex.declaration(probe.bundle()).orElseThrow().type());
    }

    @Test
    void anUpdateIsReadFromTheNewRevision() {
        FakeBundle bundle = install("fn", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        bundle.capabilities = List.of(Map.of("gunyah.function", "ioeventfd", "type", 3L));
        fire(BundleEvent.UPDATED, bundle);
        assertEquals(Optional.empty(), index.provider(2));
        assertEquals("ioeventfd", index.provider(3).orElseThrow().name());
    }

    @Test
    void anUpdateThatAddsADeclarationIndexesABundleThatHadNone() {
        FakeBundle bundle = install("plain", "1.0.0");
        open();
        bundle.capabilities = List.of(Map.of("gunyah.function", "irqfd", "type", 2L));
        fire(BundleEvent.UPDATED, bundle);
        assertEquals(Optional.of(bundle.bundle()), index.provider(2).map(FunctionBundle::bundle));
    }

    @Test
    void aDeclarationWithoutAnUnsigned32BitLongTypeIsIgnored() {
        install("string", "1.0.0", Map.of("gunyah.function", "a", "type", "2"));
        install("negative", "1.0.0", Map.of("gunyah.function", "b", "type", -1L));
        install("wide", "1.0.0", Map.of("gunyah.function", "c", "type", 0x1_0000_0000L));
        install("none", "1.0.0", Map.of("gunyah.function", "d"));
        open();
        assertEquals(List.of(), index.all());
    }

    @Test
    void theLargestTypeIsKeptAsItsUnsignedNumber() {
        install("max", "1.0.0", Map.of("gunyah.function", "max", "type", 0xffff_ffffL));
        open();
        assertEquals(
                List.of("4294967295"),
                index.named("4294967295").stream().map(FunctionBundle::typeName).toList());
    }

    @Test
    void aTypeIsNamedByItsNumberOrItsName() {
        FakeBundle irqfd = install("irqfd", "1.0.0", Map.of("gunyah.function", "irqfd", "type", 2L));
        open();
        assertEquals(
                List.of(irqfd.bundle()),
                index.named("2").stream().map(FunctionBundle::bundle).toList());
        assertEquals(
                List.of(irqfd.bundle()),
                index.named("irqfd").stream().map(FunctionBundle::bundle).toList());
        assertTrue(index.named("3").isEmpty());
    }

    @Test
    void aNameDefaultsToTheTypeNumber() {
        install("anon", "1.0.0", Map.of("type", 7L));
        open();
        assertEquals("type 7", index.provider(7).orElseThrow().name());
    }

    // the fake framework

    private void open() {
        index = new FunctionBundleIndex(context).open();
    }

    @SafeVarargs
    private FakeBundle install(String name, String version, Map<String, Object>... capabilities) {
        return install("file:/functions/" + name + ".jar", name, version, capabilities);
    }

    @SafeVarargs
    private FakeBundle install(String location, String name, String version, Map<String, Object>... capabilities) {
        FakeBundle b = new FakeBundle(nextId++, location, name, Version.parseVersion(version), List.of(capabilities));
        installed.add(b);
        fire(BundleEvent.INSTALLED, b);
        return b;
    }

    private void uninstall(FakeBundle b) {
        b.state = Bundle.UNINSTALLED;
        installed.remove(b);
        fire(BundleEvent.UNINSTALLED, b);
    }

    private void fire(int type, FakeBundle b) {
        BundleEvent event = new BundleEvent(type, b.bundle());
        List.copyOf(listeners).forEach(l -> l.bundleChanged(event));
    }

    private static final class FakeBundle {
        final long id;
        final String location;
        final String name;
        final Version version;
        volatile int state = Bundle.INSTALLED;
        volatile List<Map<String, Object>> capabilities;
        private final Bundle proxy;

        FakeBundle(long id, String location, String name, Version version, List<Map<String, Object>> capabilities) {
            this.id = id;
            this.location = location;
            this.name = name;
            this.version = version;
            this.capabilities = capabilities;
            this.proxy = proxy(Bundle.class, (method, args) -> switch (method) {
                case "getBundleId" -> this.id;
                case "getLocation" -> this.location;
                case "getSymbolicName" -> this.name;
                case "getVersion" -> this.version;
                case "getState" -> state;
                case "adapt" -> args[0] == BundleRevision.class && state != Bundle.UNINSTALLED ? revision() : null;
                default -> null;
            });
        }

        Bundle bundle() {
            return proxy;
        }

        private BundleRevision revision() {
            List<Map<String, Object>> declared = capabilities;
            return proxy(BundleRevision.class, (method, args) -> switch (method) {
                case "getDeclaredCapabilities" ->
                    "gunyah.function".equals(args[0])
                            ? declared.stream().map(FakeBundle::capability).toList()
                            : List.of();
                default -> null;
            });
        }

        private static BundleCapability capability(Map<String, Object> attributes) {
            return proxy(BundleCapability.class, (method, args) -> switch (method) {
                case "getNamespace" -> "gunyah.function";
                case "getAttributes" -> attributes;
                case "getDirectives" -> Map.of();
                default -> null;
            });
        }
    }

    @FunctionalInterface
    private interface Answer {
        Object answer(String method, Object[] args);
    }

    /** An interface whose methods answer by name; equals and hashCode are identity. */
    private static <T> T proxy(Class<T> type, Answer answer) {
        return type.cast(Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> switch (method.getName()) {
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    case "toString" -> type.getSimpleName() + "@" + System.identityHashCode(self);
                    default -> answer.answer(method.getName(), args);
                }));
    }
}
