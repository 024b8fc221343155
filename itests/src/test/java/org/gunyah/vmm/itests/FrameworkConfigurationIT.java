package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The VM manager's settings (PID org.gunyah.vmm.framework): a framework property sets a default,
 * Configuration Admin wins and applies without restarting the manager. Observed through the load
 * timeout a failed first use reports (its bundle declares type 77 and registers nothing).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FrameworkConfigurationIT extends GunyahTestSupport {
    private static final int TYPE = 77;

    @Override
    @Configuration
    public Option[] config() {
        return options(
                base(),
                mavenBundle(
                        "org.apache.felix",
                        "org.apache.felix.configadmin",
                        System.getProperty("gunyah.itest.configadmin.version")),
                frameworkProperty("gunyah.functions.load.timeout").value("300"));
    }

    private String firstUseFailure() throws Exception {
        VmManager manager = await(VmManager.class);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new FunctionDesc(TYPE, new byte[4]));
            throw new AssertionError("expected ENOENT: the bundle registers no VmFunction");
        } catch (GunyahException e) {
            return e.getMessage();
        }
    }

    private void installLonelyFunction() throws Exception {
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "config")
                        .resolve("lonely.jar"),
                "test.lonely",
                TestJars.declaring(TYPE, "lonely"));
        context.installBundle(jar.toUri().toString());
    }

    @Test
    public void aFrameworkPropertySetsTheDefault() throws Exception {
        installLonelyFunction();
        String message = firstUseFailure();
        assertTrue(message, message.contains("within PT0.3S"));
    }

    @Test
    public void aConfigurationWinsAndAppliesWithoutRestartingTheManager() throws Exception {
        await(VmManager.class);
        installLonelyFunction();
        ServiceReference<VmManager> before = context.getServiceReference(VmManager.class);
        CompletableFuture<ServiceReference<?>> modified = new CompletableFuture<>();
        ServiceListener listener = e -> {
            if (e.getType() == ServiceEvent.MODIFIED
                    && Long.valueOf(200).equals(e.getServiceReference().getProperty("gunyah.functions.load.timeout"))) {
                modified.complete(e.getServiceReference());
            }
        };
        context.addServiceListener(listener, "(objectClass=" + VmManager.class.getName() + ")");
        try {
            Hashtable<String, Object> settings = new Hashtable<>();
            settings.put("gunyah.functions.load.timeout", 200L);
            await(ConfigurationAdmin.class)
                    .getConfiguration("org.gunyah.vmm.framework", "?")
                    .update(settings);
            ServiceReference<?> after = modified.get(10, TimeUnit.SECONDS);
            assertEquals(before.getProperty(Constants.SERVICE_ID), after.getProperty(Constants.SERVICE_ID));
        } finally {
            context.removeServiceListener(listener);
        }
        String message = firstUseFailure();
        assertTrue(message, message.contains("within PT0.2S"));
    }
}
