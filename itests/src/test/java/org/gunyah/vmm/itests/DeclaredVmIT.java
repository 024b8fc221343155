package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmDeclaration;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.service.cm.ConfigurationAdmin;

/** VMs declared as Configuration Admin factory configurations, as conf/*.cfg files make them. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeclaredVmIT extends GunyahTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Override
    @Configuration
    public Option[] config() {
        try {
            Path home = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "home");
            Files.write(home.resolve("spin.bin"), new byte[] {0, 0, 0, 0x14}); // b .
            return options(
                    base(),
                    reactorBundle(VCPU),
                    reactorBundle(IRQFD),
                    reactorBundle(IOEVENTFD),
                    reactorBundle("org.gunyah.vmm.vmm"),
                    mavenBundle(
                            "org.apache.felix",
                            "org.apache.felix.configadmin",
                            System.getProperty("gunyah.itest.configadmin.version")),
                    frameworkProperty("gunyah.home").value(home.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private org.osgi.service.cm.Configuration declare(String name, Object... more) throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("memory", "64K");
        props.put("image", "spin.bin");
        for (int i = 0; i < more.length; i += 2) {
            props.put((String) more[i], more[i + 1]);
        }
        org.osgi.service.cm.Configuration c =
                await(ConfigurationAdmin.class).getFactoryConfiguration(VmDeclaration.FACTORY_PID, name, "?");
        c.update(props);
        return c;
    }

    @Test
    public void aFactoryConfigurationRunsItsVmWithItsFunctions() throws Exception {
        declare(
                "spinner",
                "vcpus",
                "2",
                "irqfds",
                new String[] {"label=1"},
                "ioeventfds",
                "addr=0x0a000000 len=4 irq=1");

        ManagedVm vm = await(ManagedVms.class).await("spinner", TIMEOUT).orElseThrow();

        assertEquals(VmState.RUNNING, vm.vm().state());
        assertTrue(vm.awaitRunningVcpus(2, TIMEOUT));
        assertEquals(4, vm.vm().functions().size());
        assertEquals(
                Integer.valueOf(2),
                await(FunctionAdmin.class)
                        .functionType(1)
                        .orElseThrow()
                        .instancesByVm()
                        .get(vm.vm().id()));
    }

    @Test
    public void deletingTheConfigurationTearsTheVmDown() throws Exception {
        org.osgi.service.cm.Configuration c = declare("doomed");
        ManagedVms vms = await(ManagedVms.class);
        ManagedVm vm = vms.await("doomed", TIMEOUT).orElseThrow();

        c.delete();

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("CLOSED", vm.status());
        assertTrue(vms.find("doomed").isEmpty());
        assertTrue(await(FunctionAdmin.class).listVms().isEmpty());
    }

    @Test
    public void aBadDeclarationStartsNothing() throws Exception {
        declare("bad", "vcpus", "0");
        declare("good");

        ManagedVms vms = await(ManagedVms.class);
        vms.await("good", TIMEOUT).orElseThrow();
        assertTrue(vms.find("bad").isEmpty());
        assertEquals(1, await(FunctionAdmin.class).listVms().size());
    }
}
