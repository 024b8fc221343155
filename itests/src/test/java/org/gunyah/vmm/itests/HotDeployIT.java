package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The runtime's hot-deploy folder: FileInstall (configured through Configuration Admin, as the
 * runtime's conf/org.apache.felix.fileinstall-deploy.cfg does) installs and starts what is dropped
 * in, and uninstalls what is deleted; the VM manager tears the instances down first.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class HotDeployIT extends GunyahTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        return options(
                base(),
                reactorBundle(VCPU),
                mavenBundle(
                        "org.apache.felix",
                        "org.apache.felix.configadmin",
                        System.getProperty("gunyah.itest.configadmin.version")),
                mavenBundle(
                        "org.apache.felix",
                        "org.apache.felix.fileinstall",
                        System.getProperty("gunyah.itest.fileinstall.version")));
    }

    /** Completes with the first bundle of that name to reach the event type. */
    private CompletableFuture<Bundle> on(int eventType, String bsn) {
        CompletableFuture<Bundle> seen = new CompletableFuture<>();
        BundleListener l = e -> {
            if (e.getType() == eventType && bsn.equals(e.getBundle().getSymbolicName())) {
                seen.complete(e.getBundle());
            }
        };
        context.addBundleListener(l);
        seen.whenComplete((b, t) -> context.removeBundleListener(l));
        return seen;
    }

    @Test
    public void aJarDroppedInIsUsableAndDeletingItTearsItsInstancesDown() throws Exception {
        Path deploy = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "deploy");
        Dictionary<String, Object> watcher = new Hashtable<>();
        watcher.put("felix.fileinstall.dir", deploy.toAbsolutePath().toString());
        watcher.put("felix.fileinstall.filter", ".*\\.jar");
        watcher.put("felix.fileinstall.poll", "100");
        watcher.put("felix.fileinstall.noInitialDelay", "true");
        await(ConfigurationAdmin.class)
                .createFactoryConfiguration("org.apache.felix.fileinstall", "?")
                .update(watcher);

        CompletableFuture<Bundle> started = on(BundleEvent.STARTED, IOEVENTFD);
        Path jar = deploy.resolve(IOEVENTFD + ".jar");
        Path part = deploy.resolve("ioeventfd.part");
        Files.copy(Path.of(System.getProperty("gunyah.itest.functions"), IOEVENTFD + ".jar"), part);
        Files.move(part, jar, StandardCopyOption.ATOMIC_MOVE);
        started.get(10, TimeUnit.SECONDS);

        VmManager manager = await(VmManager.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x0a00_0000L, 4, efd.fd()).desc());
            assertEquals(1, vm.functions().size());

            CompletableFuture<Bundle> uninstalled = on(BundleEvent.UNINSTALLED, IOEVENTFD);
            Files.delete(jar);
            uninstalled.get(10, TimeUnit.SECONDS);

            assertEquals(List.of(), vm.functions());
            assertTrue("the instance let go of its eventfd", !efd.isClosed());
        }
    }
}
