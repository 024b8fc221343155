package org.gunyah.vmm.internal.vm;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.junit.jupiter.api.Test;

/** The VM manager's rules as Linux's Gunyah VM manager has them (functions, tickets, lifecycle), errno by errno. */
class VmImplTest {
    static final int TYPE = 42;
    static final long GPA = 0x8000_0000L;

    final FakeHypervisor hv = new FakeHypervisor();
    final VmManagerCore manager = new VmManagerCore(Duration.ofMillis(300));
    final Fakes.Function fn = new Fakes.Function();
    final Fakes.Provider provider = new Fakes.Provider(TYPE, "test", fn);
    final Arena arena = Arena.ofAuto();

    VmImplTest() {
        manager.addHypervisor(hv, 0, 1);
        manager.registry().add(provider);
    }

    static FunctionDesc desc(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return new FunctionDesc(TYPE, b);
    }

    Vm startable() throws GunyahException {
        Vm vm = manager.createVm();
        vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, GPA, arena.allocate(0x4000, 4096)));
        vm.setDtbConfig(GPA + 0x1000, 0x100);
        return vm;
    }

    // add and remove

    @Test
    void anArgumentOver256BytesIsE2bigAnd256ReachesTheFunction() throws GunyahException {
        Vm vm = manager.createVm();
        assertErrno(Errno.E2BIG, () -> vm.addFunction(new FunctionDesc(TYPE, new byte[257])));
        assertEquals(List.of(), fn.calls);
        vm.addFunction(new FunctionDesc(TYPE, new byte[256]));
        assertEquals(1, fn.calls.size());
    }

    @Test
    void aTypeWithoutProviderIsEnoentNamingTheType() throws GunyahException {
        Vm vm = manager.createVm();
        GunyahException e =
                assertThrows(GunyahException.class, () -> vm.addFunction(new FunctionDesc(77, new byte[4])));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("type 77"), e.getMessage());
    }

    @Test
    void addIfProvidedBindsWhenTheTypeHasAProvider() throws GunyahException {
        Vm vm = manager.createVm();
        assertTrue(vm.addFunctionIfProvided(desc(1)).isPresent());
        assertEquals(List.of(desc(1)), vm.functions());
        assertEquals(1, provider.pins.get());
    }

    @Test
    void addIfProvidedNeverLoadsAProviderAndChangesNothingWithoutOne() throws GunyahException {
        List<Integer> loads = new ArrayList<>();
        manager.setResolver(type -> {
            loads.add(type);
            return Optional.empty();
        });
        Vm vm = manager.createVm();
        assertEquals(Optional.empty(), vm.addFunctionIfProvided(new FunctionDesc(77, new byte[4])));
        assertEquals(List.of(), loads);
        assertEquals(List.of(), vm.functions());
    }

    @Test
    void addIfProvidedKeepsAddsErrnos() throws GunyahException {
        Vm vm = manager.createVm();
        assertErrno(Errno.E2BIG, () -> vm.addFunctionIfProvided(new FunctionDesc(TYPE, new byte[257])));
        vm.close();
        assertErrno(Errno.ENODEV, () -> vm.addFunctionIfProvided(desc(1)));
    }

    @Test
    void aFailedBindReturnsItsErrnoLeavesNothingAndUnpins() throws GunyahException {
        Vm vm = startable();
        fn.claimTicket = true;
        fn.failBind = GunyahException.of(Errno.EBUSY, "no");
        assertErrno(Errno.EBUSY, () -> vm.addFunction(desc(1)));
        assertEquals(List.of(), vm.functions());
        assertEquals(0, provider.pins.get());
        fn.failBind = null;
        vm.addFunction(desc(1)); // the ticket the failed bind left was removed: no EEXIST
        assertEquals(1, provider.pins.get());
    }

    @Test
    void aBindThatThrowsIsEioAndLeavesNothing() throws GunyahException {
        Vm vm = manager.createVm();
        fn.crashBind = new IllegalStateException("bug");
        assertErrno(Errno.EIO, () -> vm.addFunction(desc(1)));
        assertEquals(List.of(), vm.functions());
        assertEquals(0, provider.pins.get());
    }

    @Test
    void bindsResultIsHandedToTheCaller() throws GunyahException {
        Vm vm = manager.createVm();
        assertEquals("handle [5]", vm.addFunction(desc(5)).as(String.class));
    }

    @Test
    void everyInstancePinsItsProviderOnce() throws GunyahException {
        Vm a = manager.createVm();
        Vm b = manager.createVm();
        a.addFunction(desc(1));
        a.addFunction(desc(2));
        b.addFunction(desc(1));
        assertEquals(3, provider.pins.get());
        a.removeFunction(desc(2));
        assertEquals(2, provider.pins.get());
        a.close();
        assertEquals(1, provider.pins.get());
        assertEquals(
                java.util.Map.of(b.id(), 1),
                manager.functionType(TYPE).orElseThrow().instancesByVm());
    }

    @Test
    void removeWithAnEmptyArgumentIsEnoent() throws GunyahException {
        Vm vm = manager.createVm();
        vm.addFunction(desc(1));
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(new FunctionDesc(TYPE, new byte[0])));
        assertEquals(1, vm.functions().size());
    }

    @Test
    void removeWithAnArgumentOver256BytesIsE2big() {
        assertErrno(Errno.E2BIG, () -> manager.createVm().removeFunction(new FunctionDesc(TYPE, new byte[300])));
    }

    @Test
    void removeThatMatchesNothingIsEnoent() throws GunyahException {
        Vm vm = manager.createVm();
        vm.addFunction(desc(1));
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(desc(2)));
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(new FunctionDesc(TYPE + 1, new byte[] {1})));
        assertEquals(1, provider.pins.get());
    }

    @Test
    void removeUnbindsTheInstanceTheFunctionsCompareNames() throws GunyahException {
        Vm vm = manager.createVm();
        vm.addFunction(desc(1));
        vm.addFunction(desc(2));
        vm.removeFunction(desc(1));
        assertEquals(List.of(desc(2)), vm.functions());
        assertEquals(List.of("bind [1]", "bind [2]", "unbind [1]"), fn.calls);
    }

    @Test
    void aCompareThatThrowsMatchesNothing() throws GunyahException {
        Vm vm = manager.createVm();
        vm.addFunction(desc(1));
        fn.crashCompare = true;
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(desc(1)));
    }

    @Test
    void aLeavingProviderIsUnboundNewestFirstOnEveryVmAndACandidateTakesOver() throws GunyahException {
        Fakes.Function second = new Fakes.Function();
        Fakes.Provider candidate = new Fakes.Provider(TYPE, "candidate", second);
        assertFalse(manager.registry().add(candidate));
        assertEquals(
                List.of("candidate"),
                manager.functionType(TYPE).orElseThrow().refused().stream()
                        .map(p -> p.name())
                        .toList());
        Vm a = manager.createVm();
        Vm b = manager.createVm();
        a.addFunction(desc(1));
        b.addFunction(desc(2));
        a.addFunction(desc(3));
        manager.registry().remove(provider);
        List<String> unbinds = fn.calls.subList(3, fn.calls.size());
        assertEquals(java.util.Set.of("unbind [1]", "unbind [2]", "unbind [3]"), java.util.Set.copyOf(unbinds));
        assertTrue(
                unbinds.indexOf("unbind [3]") < unbinds.indexOf("unbind [1]"), "newest first on each VM: " + unbinds);
        assertEquals(0, provider.pins.get());
        assertEquals(
                "candidate", manager.functionType(TYPE).orElseThrow().provider().name());
        a.addFunction(desc(1));
        assertEquals(List.of("bind [1]"), second.calls);
    }

    // tickets

    @Test
    void aSecondTicketWithTheSameTypeAndLabelIsEexist() throws GunyahException {
        Vm vm = manager.createVm();
        fn.claimTicket = true;
        vm.addFunction(desc(3));
        assertErrno(Errno.EEXIST, () -> vm.addFunction(desc(3, 9)));
        assertEquals(1, provider.pins.get());
    }

    @Test
    void ticketsArePopulatedAtStartAfterInitAndBeforeTheRmStart() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(3));
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(3));
        vm.start();
        Fakes.Ticket t = fn.tickets.getFirst();
        assertEquals(List.of("populate 3"), t.events);
        assertEquals(List.of("allocate", "share 0", "configure 1 dtb@4096", "init", "resources", "start"), hv.calls);
        assertEquals(VmState.RUNNING, vm.state());
    }

    @Test
    void aTicketAddedAfterStartIsPopulatedAtOnceFromUnclaimedResources() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(4));
        Vm vm = startable();
        vm.start();
        fn.claimTicket = true;
        vm.addFunction(desc(4));
        assertEquals(List.of("populate 4"), fn.tickets.getFirst().events);
    }

    @Test
    void removingATicketUnpopulatesAndReturnsTheResourceToTheVm() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(4));
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(4));
        vm.start();
        vm.removeFunction(desc(4));
        assertEquals(List.of("populate 4", "unpopulate 4"), fn.tickets.getFirst().events);
        vm.addFunction(desc(4, 1));
        assertEquals(List.of("populate 4"), fn.tickets.get(1).events, "the next ticket got the resource back");
    }

    @Test
    void aResourceIsDeadOnceItsTicketGaveItBack() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(4));
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(4));
        vm.start();
        VcpuResource grant = (VcpuResource) fn.tickets.getFirst().held.getFirst();
        grant.run();
        vm.removeFunction(desc(4));
        assertErrno(Errno.ENODEV, grant::run);
    }

    @Test
    void aResourceNobodyTakesWaitsUnclaimed() throws GunyahException {
        hv.resources.add(FakeHypervisor.doorbell(1));
        Vm vm = startable();
        vm.start();
        assertEquals(1, ((VmImpl) vm).holdings().unclaimedResources());
        assertEquals(ResourceType.BELL_TX, hv.resources.getFirst().type());
    }

    // memory and DTB

    @Test
    void memoryRegionsAreCheckedErrnoByErrno() throws GunyahException {
        Vm vm = manager.createVm();
        MemorySegment page = arena.allocate(0x2000, 4096);
        assertErrno(Errno.EINVAL, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 8, GPA, page)));
        assertErrno(Errno.EINVAL, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 1, GPA + 1, page)));
        assertErrno(Errno.EINVAL, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 1, GPA, page.asSlice(0, 100))));
        assertErrno(Errno.EINVAL, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 1, GPA, page.asSlice(0, 0))));
        assertErrno(
                Errno.EINVAL,
                () -> vm.setUserMemoryRegion(
                        new MemoryRegion(0, 1, GPA, arena.allocate(0x3000, 4096).asSlice(8, 0x1000))));
        assertErrno(Errno.EOVERFLOW, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 1, -0x1000L, page)));
        vm.setUserMemoryRegion(new MemoryRegion(0, 1, GPA, page));
        assertErrno(Errno.EEXIST, () -> vm.setUserMemoryRegion(new MemoryRegion(0, 1, GPA + 0x10000, page)));
        assertErrno(Errno.EEXIST, () -> vm.setUserMemoryRegion(new MemoryRegion(1, 1, GPA + 0x1000, page)));
        vm.setUserMemoryRegion(new MemoryRegion(1, 1, -0x2000L, page)); // ends exactly at 2^64
        assertErrno(
                Errno.EEXIST,
                () -> vm.setUserMemoryRegion(new MemoryRegion(2, 1, -0x1000L, arena.allocate(0x1000, 4096))));
    }

    @Test
    void memoryCannotBeAddedOnceStarted() throws GunyahException {
        Vm vm = startable();
        vm.start();
        assertErrno(Errno.EPERM, () -> vm.setUserMemoryRegion(new MemoryRegion(5, 1, 0, arena.allocate(0x1000, 4096))));
        assertErrno(Errno.EPERM, () -> vm.setDtbConfig(GPA, 16));
    }

    @Test
    void aDtbOutsideEveryRegionIsEinvalAndTheVmCanStillStartOnceFixed() throws GunyahException {
        Vm vm = startable();
        vm.setDtbConfig(GPA + 0x3f00, 0x200);
        assertErrno(Errno.EINVAL, vm::start);
        assertEquals(VmState.CREATED, vm.state());
        assertEquals(0, hv.allocatedVms());
        vm.setDtbConfig(GPA, 0x200);
        vm.start();
        assertEquals(VmState.RUNNING, vm.state());
    }

    @Test
    void startingWithoutADtbIsEinvalAndAWrappingDtbIsEoverflow() throws GunyahException {
        Vm vm = manager.createVm();
        assertErrno(Errno.EINVAL, vm::start);
        assertErrno(Errno.EOVERFLOW, () -> vm.setDtbConfig(-0x1000L, 0x2000));
    }

    // lifecycle

    @Test
    void aSecondStartOfARunningVmDoesNothing() throws GunyahException {
        Vm vm = startable();
        vm.start();
        int calls = hv.calls.size();
        vm.start();
        assertEquals(calls, hv.calls.size());
    }

    @Test
    void aFailedInitIsLoadFailedRolledBackAndFinal() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(0));
        hv.failInit = true;
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(0));
        assertErrno(Errno.EINVAL, vm::start);
        assertEquals(VmState.LOAD_FAILED, vm.state());
        assertEquals(0, hv.allocatedVms(), "the VM id was given back");
        assertTrue(hv.calls.contains("reclaim 1"), hv.calls.toString());
        assertErrno(Errno.ENODEV, vm::start);
        assertEquals(List.of(), fn.tickets.getFirst().events, "no resource was ever handed out");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"share", "configure", "init", "resources", "start"})
    void aStartFailingAtAnyResourceManagerStepGivesEverythingBack(String step) throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(0));
        hv.failAt = step;
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(0));

        assertErrno(Errno.ENOMEM, vm::start);

        assertEquals(VmState.LOAD_FAILED, vm.state());
        assertEquals(0, hv.allocatedVms(), "the VM id was given back");
        long shared = hv.calls.stream().filter(c -> c.startsWith("share")).count();
        long ok = step.equals("share") ? shared - 1 : shared;
        assertEquals(ok, hv.calls.stream().filter(c -> c.startsWith("reclaim")).count(), hv.calls.toString());
        assertEquals(List.of(desc(0)), vm.functions(), "the functions stay until close");
        assertTrue(
                fn.tickets.getFirst().events.stream()
                        .allMatch(e -> e.startsWith("unpopulate") || e.startsWith("populate")),
                fn.tickets.getFirst().events.toString());
        assertEquals(
                fn.tickets.getFirst().events.stream()
                        .filter(e -> e.startsWith("populate"))
                        .count(),
                fn.tickets.getFirst().events.stream()
                        .filter(e -> e.startsWith("unpopulate"))
                        .count(),
                "every resource handed out was taken back");
        vm.close();
        assertEquals(0, provider.pins.get());
        assertEquals(new VmImpl.Holdings(0, 0, 0, 0, 0), ((VmImpl) vm).holdings());
    }

    @Test
    void aBackendThatThrowsInsteadOfRefusingIsEioAndGivesEverythingBack() throws GunyahException {
        hv.failAt = "configure";
        hv.failWith = null;
        Vm vm = startable();

        assertErrno(Errno.EIO, vm::start);

        assertEquals(VmState.LOAD_FAILED, vm.state());
        assertEquals(0, hv.allocatedVms());
        assertTrue(hv.calls.contains("reclaim 1"), hv.calls.toString());
    }

    @Test
    void closeTearsDownInTheKernelsOrderAndLeavesNothing() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(0));
        hv.resources.add(FakeHypervisor.vcpu(1));
        Vm vm = startable();
        fn.claimTicket = true;
        vm.addFunction(desc(0));
        vm.addFunction(desc(1));
        vm.start();
        hv.calls.clear();
        vm.close();
        assertEquals(List.of("bind [0]", "bind [1]", "unbind [1]", "unbind [0]"), fn.calls);
        assertEquals(List.of("stop", "reset", "reclaim 1", "dealloc"), hv.calls);
        assertEquals(new VmImpl.Holdings(0, 0, 0, 0, 0), ((VmImpl) vm).holdings());
        assertEquals(0, provider.pins.get());
        assertEquals(VmState.CLOSED, vm.state());
        assertEquals(List.of(), manager.vms());
    }

    @Test
    void closeRemovesTicketsAnUnbindForgot() throws GunyahException {
        hv.resources.add(FakeHypervisor.vcpu(0));
        Vm vm = startable();
        fn.claimTicket = true;
        fn.forgetTicketOnUnbind = true;
        vm.addFunction(desc(0));
        vm.start();
        vm.close();
        assertEquals(List.of("populate 0", "unpopulate 0"), fn.tickets.getFirst().events);
        assertEquals(new VmImpl.Holdings(0, 0, 0, 0, 0), ((VmImpl) vm).holdings());
    }

    @Test
    void closeIsIdempotentAndEverythingAfterItIsEnodev() throws GunyahException {
        Vm vm = startable();
        vm.close();
        vm.close();
        assertErrno(Errno.ENODEV, () -> vm.addFunction(desc(1)));
        assertErrno(Errno.ENODEV, vm::start);
        assertErrno(Errno.ENODEV, () -> vm.setDtbConfig(GPA, 16));
    }

    @Test
    void aResourceManagerThatNeverAnswersDoesNotHangClose() throws GunyahException {
        Vm vm = startable();
        vm.start();
        hv.silent = true;
        long t0 = System.nanoTime();
        vm.close();
        assertEquals(VmState.CLOSED, vm.state());
        assertEquals(0, hv.allocatedVms());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void anExitNotificationMakesTheVmExitedAndTellsStateListeners() throws Exception {
        Vm vm = startable();
        fn.claimTicket = true;
        AtomicInteger changes = new AtomicInteger();
        vm.addFunction(desc(0));
        VmImpl impl = (VmImpl) vm;
        impl.onStateChange(changes::incrementAndGet);
        vm.start();
        hv.last.listener.exited(ExitInfo.withCode(ExitInfo.VM_EXIT, 5));
        assertEquals(VmState.EXITED, vm.state());
        assertEquals(5, vm.exitInfo().orElseThrow().code());
        assertTrue(vm.awaitDown(Duration.ofSeconds(1)));
        assertEquals(3, changes.get(), "STARTING, RUNNING, then EXITED");
    }

    @Test
    void aCrashNotificationMakesTheVmCrashed() throws Exception {
        Vm vm = startable();
        vm.start();
        hv.last.listener.crashed("undefined instruction");
        assertEquals(VmState.CRASHED, vm.state());
        assertFalse(vm.exitInfo().isPresent());
    }

    @Test
    void aStateListenerHearsTheCloseAndNothingOnceItsSubscriptionIsClosed() throws Exception {
        Vm vm = manager.createVm();
        AtomicInteger heard = new AtomicInteger();
        Vm other = manager.createVm();
        org.gunyah.vmm.api.VmManager.Subscription s = other.onStateChange(heard::incrementAndGet);
        vm.onStateChange(heard::incrementAndGet);

        s.close();
        other.close();
        vm.close();

        assertEquals(1, heard.get(), "only the CLOSED of the VM still subscribed");
    }
}
