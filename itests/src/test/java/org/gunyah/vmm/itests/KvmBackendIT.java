package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The KVM backend bundle in Felix, beside the emulated one: where /dev/kvm can run a VM its
 * Declarative Services component registers the {@code kvm} hypervisor ranked above the emulated
 * backend, which makes it the VM manager's default and the maker of kernel eventfds; stopping the
 * bundle hands both back to the emulated backend. Skipped, saying why, where /dev/kvm is missing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class KvmBackendIT extends GunyahTestSupport {
    static final String KVM = "org.gunyah.vmm.hypervisor.kvm";

    @Override
    @Configuration
    public Option[] config() {
        return options(base(), reactorBundle(KVM), reactorBundle(VCPU), reactorBundle(IRQFD), reactorBundle(IOEVENTFD));
    }

    @Before
    public void needsKvm() {
        Assume.assumeTrue("skipped: this machine has no /dev/kvm", Files.exists(Path.of("/dev/kvm")));
    }

    private ServiceReference<Hypervisor> awaitKvm()
            throws InterruptedException, org.osgi.framework.InvalidSyntaxException {
        ServiceTracker<Hypervisor, Hypervisor> tracker = new ServiceTracker<>(
                context,
                context.createFilter(
                        "(&(objectClass=" + Hypervisor.class.getName() + ")(" + Hypervisor.NAME + "=kvm))"),
                null);
        tracker.open();
        try {
            assertNotNull(
                    "the kvm hypervisor service did not appear within 10 s",
                    tracker.waitForService(TimeUnit.SECONDS.toMillis(10)));
            return tracker.getServiceReference();
        } finally {
            tracker.close();
        }
    }

    @Test
    public void theKvmBackendIsRegisteredRankedAboveTheEmulatedOne() throws Exception {
        ServiceReference<Hypervisor> ref = awaitKvm();
        assertEquals(10, ref.getProperty("service.ranking"));
        assertEquals(installed(KVM), ref.getBundle());
        VmManager manager = await(VmManager.class);
        assertEquals(List.of("kvm", "emulated"), manager.hypervisors());
    }

    @Test
    public void aVmWithoutABackendNamedRunsOnKvmAndEventfdsAreKernelOnes() throws Exception {
        awaitKvm();
        VmManager manager = await(VmManager.class);
        try (Vm vm = manager.createVm();
                EventFd fd = manager.createEventFd(0, EventFd.NONBLOCK)) {
            assertEquals("kvm", vm.hypervisor());
            assertTrue(fd.getClass().getName(), fd.getClass().getName().endsWith("KernelEventFd"));
            fd.write(3);
            assertEquals(3, fd.read());
        }
    }

    @Test
    public void stoppingTheKvmBundleHandsEverythingBackToTheEmulatedBackend() throws Exception {
        awaitKvm();
        VmManager manager = await(VmManager.class);
        installed(KVM).stop();
        assertEquals(Bundle.RESOLVED, installed(KVM).getState());
        assertEquals(List.of("emulated"), manager.hypervisors());
        try (Vm vm = manager.createVm();
                EventFd fd = manager.createEventFd(0, EventFd.NONBLOCK)) {
            assertEquals("emulated", vm.hypervisor());
            assertTrue(fd.getClass().getName(), fd.getClass().getName().endsWith("JavaEventFd"));
        }
    }
}
