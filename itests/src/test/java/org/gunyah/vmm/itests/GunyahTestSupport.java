package org.gunyah.vmm.itests;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.File;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

/**
 * What every integration test boots: Felix with SCR, the framework and the emulated backend, each
 * reactor bundle taken from the jar this build just made.
 */
public abstract class GunyahTestSupport {
    static final String FRAMEWORK = "org.gunyah.vmm.framework";
    static final String EMULATED = "org.gunyah.vmm.hypervisor.emulated";
    static final String VCPU = "org.gunyah.vmm.function.vcpu";
    static final String IRQFD = "org.gunyah.vmm.function.irqfd";
    static final String IOEVENTFD = "org.gunyah.vmm.function.ioeventfd";

    @Inject
    protected BundleContext context;

    @Configuration
    public Option[] config() {
        return options(base(), reactorBundle(VCPU), reactorBundle(IRQFD), reactorBundle(IOEVENTFD));
    }

    /** Felix, SCR, the framework and the emulated backend: what every test boots. */
    static Option base() {
        return CoreOptions.composite(
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                mavenBundle("org.osgi", "org.osgi.util.function", version("function")),
                mavenBundle("org.osgi", "org.osgi.util.promise", version("promise")),
                mavenBundle("org.osgi", "org.osgi.service.component", version("component")),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", version("scr")),
                reactorBundle(FRAMEWORK),
                reactorBundle(EMULATED),
                junitBundles(),
                cleanCaches());
    }

    static Option reactorBundle(String artifactId) {
        File jar = new File(System.getProperty("gunyah.itest.bundles", "target/bundles"), artifactId + ".jar");
        return bundle(jar.toURI().toString());
    }

    private static String version(String name) {
        String v = System.getProperty("gunyah.itest." + name + ".version");
        if (v == null) {
            throw new IllegalStateException("run through Maven: gunyah.itest." + name + ".version is not set");
        }
        return v;
    }

    /** True when a registered service provides the type (an installed bundle alone does not). */
    static boolean loaded(org.gunyah.vmm.api.admin.FunctionAdmin admin, int type) {
        return admin.functionType(type).map(t -> t.provider().serviceId() >= 0).orElse(false);
    }

    protected Bundle installed(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + symbolicName + " is not installed"));
    }

    /** The service, waiting a bounded time for it to appear. */
    protected <T> T await(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            if (tracker.waitForService(TimeUnit.SECONDS.toMillis(10)) == null) {
                throw new AssertionError(type.getSimpleName() + " service did not appear within 10 s");
            }
            // Got through the test's own context, so that closing the tracker does not release it
            // (a service factory's object, such as Configuration Admin's, dies with its last release).
            return context.getService(tracker.getServiceReference());
        } finally {
            tracker.close();
        }
    }
}
