package org.gunyah.vmm.internal.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.junit.jupiter.api.Test;

/** Steps that fail or race at the worst moment: the errno is the documented one and nothing is left behind. */
class FaultInjectionTest {
    private static final int TYPE = 42;
    private static final long TIMEOUT_S = 10;

    private final FakeHypervisor hv = new FakeHypervisor();
    /**
     * A call gives up with EBUSY after 200 ms, so that the blocked-bind test is quick; a test where
     * no bind blocks raises it ({@link #withCallTimeout}), since on a loaded machine 8 threads may
     * wait that long for the VM's function lock and see EBUSY without anything being wrong.
     */
    private VmManagerCore manager;

    private final Fakes.Function fn = new Fakes.Function();
    private final Fakes.Provider provider = new Fakes.Provider(TYPE, "test", fn);

    FaultInjectionTest() {
        withCallTimeout(Duration.ofMillis(200));
    }

    private void withCallTimeout(Duration callTimeout) {
        manager = new VmManagerCore(Duration.ofMillis(300), callTimeout);
        manager.addHypervisor(hv, 0, 1);
        manager.registry().add(provider);
    }

    private static FunctionDesc desc(int b) {
        return new FunctionDesc(TYPE, new byte[] {(byte) b});
    }

    @Test
    void aProviderLeavingWhileItsBindRunsUnbindsTheNewInstanceOnceBindReturns() throws Exception {
        Vm vm = manager.createVm();
        CountDownLatch inBind = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fn.duringBind = () -> {
            inBind.countDown();
            await(release);
        };
        Thread adder = Thread.ofPlatform().start(() -> {
            try {
                vm.addFunction(desc(1));
            } catch (GunyahException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(inBind.await(TIMEOUT_S, TimeUnit.SECONDS));
        Thread leaver = Thread.ofPlatform().start(() -> manager.registry().remove(provider));

        release.countDown();
        adder.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        leaver.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));

        assertEquals(List.of(), vm.functions());
        assertEquals(0, provider.pins.get());
        assertEquals(List.of("bind [1]", "unbind [1]"), fn.calls);
        assertEquals(
                Errno.ENOENT,
                org.junit.jupiter.api.Assertions.assertThrows(GunyahException.class, () -> vm.addFunction(desc(2)))
                        .errno());
    }

    @Test
    void aBindThatBlocksHoldsUpItsOwnVmOnlyAndOnlyForTheBound() throws Exception {
        Vm stuck = manager.createVm();
        Vm other = manager.createVm();
        CountDownLatch inBind = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fn.duringBind = () -> {
            if (Thread.currentThread().getName().equals("blocked-bind")) {
                inBind.countDown();
                await(release);
            }
        };
        Thread blocked = Thread.ofPlatform().name("blocked-bind").start(() -> {
            try {
                stuck.addFunction(desc(1));
            } catch (GunyahException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(inBind.await(TIMEOUT_S, TimeUnit.SECONDS));

        GunyahException add =
                org.junit.jupiter.api.Assertions.assertThrows(GunyahException.class, () -> stuck.addFunction(desc(2)));
        GunyahException remove = org.junit.jupiter.api.Assertions.assertThrows(
                GunyahException.class, () -> stuck.removeFunction(desc(1)));
        other.addFunction(desc(3));

        assertEquals(Errno.EBUSY, add.errno(), add.getMessage());
        assertEquals(Errno.EBUSY, remove.errno(), remove.getMessage());
        assertEquals(
                2,
                provider.pins.get(),
                "the blocked bind and the other VM's instance pin the provider; the refused add let go");
        release.countDown();
        blocked.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        assertEquals(List.of(desc(1)), stuck.functions());
        stuck.close();
        other.close();
        assertEquals(0, provider.pins.get());
    }

    @Test
    void closeRacingAddsAndRemovesFromManyThreadsLeavesNothing() throws Exception {
        withCallTimeout(Duration.ofSeconds(TIMEOUT_S));
        VmImpl vm = (VmImpl) manager.createVm();
        Set<Errno> seen = ConcurrentHashMap.newKeySet();
        List<Throwable> unexpected = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(go);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000; i++) {
                    try {
                        if (random.nextBoolean()) {
                            vm.addFunction(desc(random.nextInt(16)));
                        } else {
                            vm.removeFunction(desc(random.nextInt(16)));
                        }
                    } catch (GunyahException e) {
                        seen.add(e.errno());
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                    }
                }
            }));
        }

        go.countDown();
        vm.close();
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        }

        assertEquals(List.of(), unexpected);
        assertTrue(Set.of(Errno.ENODEV, Errno.ENOENT).containsAll(seen), seen.toString());
        assertTrue(seen.contains(Errno.ENODEV), "some call came after the close");
        assertEquals(VmState.CLOSED, vm.state());
        assertEquals(new VmImpl.Holdings(0, 0, 0, 0, 0), vm.holdings());
        assertEquals(0, provider.pins.get());
        assertEquals(0, hv.allocatedVms());
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(TIMEOUT_S, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
