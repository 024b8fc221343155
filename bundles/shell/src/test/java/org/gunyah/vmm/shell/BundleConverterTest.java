package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/** How a console's {@code update 16} or {@code headers org.gunyah.vmm.vmm} finds its bundle. */
class BundleConverterTest {
    private static Bundle bundle(long id, String name, String version) {
        return (Bundle) Proxy.newProxyInstance(
                Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class}, (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> name;
                    case "getVersion" -> Version.parseVersion(version);
                    case "toString" -> name + " [" + id + "]";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static final Bundle VMM = bundle(25, "org.gunyah.vmm.vmm", "0.1.0");
    private static final Bundle OLD_RNG = bundle(18, "org.gunyah.vmm.device.virtio.rng", "0.1.0");
    private static final Bundle NEW_RNG = bundle(40, "org.gunyah.vmm.device.virtio.rng", "0.2.0");

    private final BundleConverter converter = new BundleConverter((BundleContext) Proxy.newProxyInstance(
            BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (p, m, a) -> {
                Map<Long, Bundle> byId = Map.of(25L, VMM, 18L, OLD_RNG, 40L, NEW_RNG);
                return switch (m.getName()) {
                    case "getBundle" -> byId.get((Long) a[0]);
                    case "getBundles" -> new Bundle[] {OLD_RNG, VMM, NEW_RNG};
                    default -> throw new UnsupportedOperationException(m.getName());
                };
            }));

    @Test
    void anIdNamesItsBundle() throws Exception {
        assertSame(VMM, converter.convert(Bundle.class, "25"));
    }

    @Test
    void aSymbolicNameNamesItsHighestVersion() throws Exception {
        assertSame(NEW_RNG, converter.convert(Bundle.class, "org.gunyah.vmm.device.virtio.rng"));
    }

    @Test
    void anUnknownIdOrNameConvertsToNothing() throws Exception {
        assertNull(converter.convert(Bundle.class, "99"));
        assertNull(converter.convert(Bundle.class, "no.such.bundle"));
        assertNull(converter.convert(Bundle.class, "99999999999999999999999"));
    }

    @Test
    void otherTypesAreLeftToOtherConverters() throws Exception {
        assertNull(converter.convert(String.class, "25"));
    }
}
