package ${package};

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.inject.Inject;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/** The bundle in Felix, with SCR, the framework and the emulated hypervisor: what the runtime does with it. */
@RunWith(PaxExam.class)
public class ${className}IT {
    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() {
        return options(
                mavenBundle("org.osgi", "org.osgi.util.function", System.getProperty("function.version")),
                mavenBundle("org.osgi", "org.osgi.util.promise", System.getProperty("promise.version")),
                mavenBundle("org.osgi", "org.osgi.service.component", System.getProperty("component.version")),
                mavenBundle("org.apache.felix", "org.apache.felix.scr", System.getProperty("scr.version")),
                mavenBundle("org.gunyah.vmm", "org.gunyah.vmm.framework", System.getProperty("gunyah.version")),
                mavenBundle("org.gunyah.vmm", "org.gunyah.vmm.hypervisor.emulated", System.getProperty("gunyah.version")),
                bundle(new File(System.getProperty("bundle.file")).toURI().toString()),
                junitBundles(),
                cleanCaches());
    }

    /** The argument (the function's classes are private to its bundle: the probe cannot see them). */
    private static byte[] arg(long address) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(address).array();
    }

    private <T> T await(Class<T> type) throws InterruptedException {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, type, null);
        tracker.open();
        try {
            T service = tracker.waitForService(TimeUnit.SECONDS.toMillis(10));
            assertNotNull(type.getSimpleName() + " did not appear within 10 s", service);
            return context.getService(tracker.getServiceReference());
        } finally {
            tracker.close();
        }
    }

    @Test
    public void theServiceCarriesTheDeclaredTypeAndName() throws Exception {
        await(VmFunction.class);
        ServiceReference<?>[] refs = context.getServiceReferences(
                VmFunction.class.getName(), "(" + VmFunction.NAME + "=${functionName})");
        assertNotNull("no VmFunction service named ${functionName}", refs);
        assertEquals(${functionType}L, ((Number) refs[0].getProperty(VmFunction.TYPE)).longValue());
    }

    @Test
    public void aVmBindsItAndTheFrameworkListsTheType() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        try (Vm vm = manager.createVm("emulated")) {
            FunctionHandle handle = vm.addFunction(new FunctionDesc(${functionType}, arg(0x0a00_0000L)));
            assertEquals(0, handle.as(AtomicLong.class).get());

            FunctionTypeInfo type = admin.functionType(${functionType}).orElseThrow();
            assertEquals("${functionName}", type.provider().name());
            assertEquals(1, type.instances());

            vm.removeFunction(handle.desc());
            assertEquals(0, admin.functionType(${functionType}).orElseThrow().instances());
        }
    }
}
