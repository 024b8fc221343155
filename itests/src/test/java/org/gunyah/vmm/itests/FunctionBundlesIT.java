package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VcpuExit;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.util.tracker.ServiceTracker;

/** The three function bundles in a running framework: declared, bound, stopped and started. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FunctionBundlesIT extends GunyahTestSupport {
    static final long BASE = 0x4000_0000L;

    /** {@code 1: wfi; b 1b}: a guest that sleeps forever (two instructions, hand-encoded). */
    static final int[] PARK = {0xd503207f, 0x17ffffff};

    @Test
    public void eachFunctionBundleDeclaresItsTypeAsAGunyahFunctionCapability() {
        assertCapability(VCPU, "vcpu", FunctionType.VCPU);
        assertCapability(IRQFD, "irqfd", FunctionType.IRQFD);
        assertCapability(IOEVENTFD, "ioeventfd", FunctionType.IOEVENTFD);
    }

    private void assertCapability(String bsn, String name, int type) {
        List<BundleCapability> caps =
                installed(bsn).adapt(BundleRevision.class).getDeclaredCapabilities("gunyah.function");
        assertEquals(1, caps.size());
        Map<String, Object> attrs = caps.getFirst().getAttributes();
        assertEquals(name, attrs.get("gunyah.function"));
        assertEquals(Long.valueOf(type), attrs.get("type"));
    }

    @Test
    public void theFrameworkBindsAllThreeFunctionTypes() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        awaitType(admin, FunctionType.VCPU);
        awaitType(admin, FunctionType.IRQFD);
        awaitType(admin, FunctionType.IOEVENTFD);
        assertEquals(
                VCPU,
                admin.functionType(FunctionType.VCPU).orElseThrow().provider().symbolicName());
    }

    @Test
    public void stoppingAFunctionBundleUnbindsItsInstancesAndStartingItAgainRestoresTheType() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        awaitType(admin, FunctionType.IOEVENTFD);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            vm.addFunction(IoeventfdArg.of(0x0900_0008L, 4, efd.fd()).desc());
            assertEquals(
                    2, admin.functionType(FunctionType.IOEVENTFD).orElseThrow().instances());

            installed(IOEVENTFD).stop();
            assertEquals(List.of(), vm.functions());
            assertFalse(loaded(admin, FunctionType.IOEVENTFD));

            installed(IOEVENTFD).start();
            awaitType(admin, FunctionType.IOEVENTFD);
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            assertEquals(1, vm.functions().size());
        }
    }

    @Test
    public void updatingAPinnedFunctionBundleUnbindsItsInstancesAndTheNewRevisionServes() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        awaitType(admin, FunctionType.IOEVENTFD);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            long before = admin.functionType(FunctionType.IOEVENTFD)
                    .orElseThrow()
                    .provider()
                    .serviceId();
            installed(IOEVENTFD).update();
            assertEquals(List.of(), vm.functions());
            awaitType(admin, FunctionType.IOEVENTFD);
            assertTrue(admin.functionType(FunctionType.IOEVENTFD)
                            .orElseThrow()
                            .provider()
                            .serviceId()
                    != before);
            vm.addFunction(IoeventfdArg.of(0x0900_0000L, 4, efd.fd()).desc());
            assertEquals(1, vm.functions().size());
        }
    }

    @Test
    public void stoppingTheVcpuBundleReturnsARunnerAsleepInTheGuest() throws Exception {
        VmManager manager = await(VmManager.class);
        awaitType(await(FunctionAdmin.class), FunctionType.VCPU);
        try (Arena arena = Arena.ofShared();
                Vm vm = manager.createVm()) {
            load(vm, arena);
            Vcpu vcpu = vm.addFunction(new VcpuArg(0).desc()).as(Vcpu.class);
            vm.start();
            CompletableFuture<VcpuExit> run = new CompletableFuture<>();
            Thread runner = Thread.ofPlatform().start(() -> {
                try {
                    run.complete(vcpu.run());
                } catch (Throwable t) {
                    run.completeExceptionally(t);
                }
            });
            awaitParked(runner);
            installed(VCPU).stop();
            try {
                run.get(5, TimeUnit.SECONDS);
                fail("the runner should have been interrupted");
            } catch (ExecutionException e) {
                assertEquals(Errno.EINTR, ((GunyahException) e.getCause()).errno());
            }
            assertEquals(List.of(), vm.functions());
        }
    }

    @Test
    public void stoppingTheIrqfdBundleReleasesItsDoorbellTicket() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        awaitType(admin, FunctionType.IRQFD);
        EventFd efd = manager.createEventFd(0, 0);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new IrqfdArg(efd.fd(), 5, 0).desc());
            installed(IRQFD).stop();
            installed(IRQFD).start();
            awaitType(admin, FunctionType.IRQFD);
            vm.addFunction(new IrqfdArg(efd.fd(), 5, 0).desc()); // label 5 is free again: no EEXIST
            assertEquals(1, vm.functions().size());
        }
    }

    private static void load(Vm vm, Arena arena) throws GunyahException {
        MemorySegment ram = arena.allocate(0x10_000, MemoryRegion.PAGE_SIZE);
        for (int i = 0; i < PARK.length; i++) {
            ram.setAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), i, PARK[i]);
        }
        DtNode dt = DtNode.builder("")
                .child(DtNode.builder("cpus")
                        .child(DtNode.builder("cpu@0").property("reg", 0).build())
                        .build())
                .build();
        byte[] dtb = Fdt.encode(dt);
        MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, 0x8000, dtb.length);
        vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, BASE, ram));
        vm.setDtbConfig(BASE + 0x8000, dtb.length);
    }

    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING) {
            assertTrue("runner never slept: " + t.getState(), System.nanoTime() < deadline && t.isAlive());
            Thread.onSpinWait();
        }
    }

    /**
     * DS activates components asynchronously: wait (bounded) for the type's service. Service
     * events reach every listener synchronously, so the framework has bound it by then.
     */
    private void awaitType(FunctionAdmin admin, int type) throws Exception {
        String filter = "(&(objectClass=" + VmFunction.class.getName() + ")(" + VmFunction.TYPE + "=" + type + "))";
        ServiceTracker<?, ?> tracker = new ServiceTracker<>(context, FrameworkUtil.createFilter(filter), null);
        tracker.open();
        try {
            assertTrue("function type " + type + " has no provider", tracker.waitForService(10_000) != null);
        } finally {
            tracker.close();
        }
        assertTrue(loaded(admin, type));
    }
}
