package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
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

/**
 * {@code request_module("ghfunc:N")}: irqfd and ioeventfd are only in the function repository
 * folder, installed at boot and started by their first use.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class OnDemandLoadingIT extends GunyahTestSupport {

    @Override
    @Configuration
    public Option[] config() {
        return options(
                base(),
                reactorBundle(VCPU),
                frameworkProperty("gunyah.functions.dir").value(System.getProperty("gunyah.itest.functions")));
    }

    @Test
    public void repositoryBundlesAreInstalledAtBootButNotStarted() throws Exception {
        await(VmManager.class);
        assertNotEquals(Bundle.ACTIVE, installed(IRQFD).getState());
        assertNotEquals(Bundle.ACTIVE, installed(IOEVENTFD).getState());
    }

    @Test
    public void theFirstUseOfATypeStartsItsBundleAndBinds() throws Exception {
        VmManager manager = await(VmManager.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            assertEquals(Bundle.ACTIVE, installed(IOEVENTFD).getState());
            assertEquals(1, vm.functions().size());
            assertNotEquals(
                    "only the type asked for is loaded",
                    Bundle.ACTIVE,
                    installed(IRQFD).getState());
        }
    }

    @Test
    public void aTypeNoBundleProvidesIsEnoentSayingSo() throws Exception {
        VmManager manager = await(VmManager.class);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new FunctionDesc(99, new byte[4]));
            throw new AssertionError("expected ENOENT");
        } catch (GunyahException e) {
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("no bundle provides gunyah.function type 99"));
        }
    }

    @Test
    public void concurrentFirstRequestsStartTheBundleOnce() throws Exception {
        VmManager manager = await(VmManager.class);
        Bundle irqfd = installed(IRQFD);
        AtomicInteger starts = new AtomicInteger();
        BundleListener counter = event -> {
            if (event.getBundle() == irqfd && event.getType() == BundleEvent.STARTED) {
                starts.incrementAndGet();
            }
        };
        context.addBundleListener(counter);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Vm vm = manager.createVm()) {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> adds = new ArrayList<>();
            for (int label = 0; label < 8; label++) {
                EventFd efd = manager.createEventFd(0, 0);
                int l = label;
                adds.add(pool.submit(() -> {
                    go.await();
                    return vm.addFunction(new IrqfdArg(efd.fd(), l, 0).desc());
                }));
            }
            go.countDown();
            for (Future<?> f : adds) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(8, vm.functions().size());
            assertEquals(1, starts.get());
        } finally {
            pool.shutdownNow();
            context.removeBundleListener(counter);
        }
    }

    @Test
    public void aStoppedFunctionBundleIsLoadedAgainByItsNextUse() throws Exception {
        VmManager manager = await(VmManager.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            installed(IOEVENTFD).stop();
            assertEquals("stopping unbound the instance", 0, vm.functions().size());
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            assertEquals(Bundle.ACTIVE, installed(IOEVENTFD).getState());
        }
    }
}
