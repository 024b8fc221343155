package org.gunyah.vmm.hypervisor.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The KVM backend under the VM manager core, with vCPU resources taken by plain tickets. */
class KvmVmTest {
    private final KvmHypervisor kvm = KvmTests.hypervisor();
    private final TestBed bed = new TestBed(kvm);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void close() throws InterruptedException {
        bed.close();
        threads.shutdownNow();
        assertTrue(threads.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(0, kvm.allocatedVms(), "every KVM VM id is free again");
        kvm.close();
    }

    /** A ticket that keeps the vCPU resource it is given. */
    static final class VcpuTicket implements ResourceTicket {
        final int label;
        volatile VcpuResource vcpu;

        VcpuTicket(int label) {
            this.label = label;
        }

        @Override
        public ResourceType resourceType() {
            return ResourceType.VCPU;
        }

        @Override
        public int label() {
            return label;
        }

        @Override
        public boolean populate(Resource r) {
            vcpu = (VcpuResource) r;
            return true;
        }

        @Override
        public void unpopulate(Resource r) {
            vcpu = null;
        }
    }

    private String runToEnd(VcpuResource vcpu, VmContext vm) throws GunyahException {
        StringBuilder console = new StringBuilder();
        while (true) {
            switch (vcpu.run()) {
                case VcpuRunResult.MmioWrite w
                when !vm.mmioWrite(w.address(), w.length(), w.value()) ->
                    console.append((char) w.value()).append('@').append(Long.toHexString(w.address()));
                case VcpuRunResult.PoweredOff p -> {
                    return console.toString();
                }
                case VcpuRunResult r -> {
                    // READY and friends: run again
                }
            }
        }
    }

    private static VcpuRunResult runPastReady(VcpuResource vcpu) throws GunyahException {
        VcpuRunResult r;
        do {
            r = vcpu.run();
        } while (r == VcpuRunResult.READY);
        return r;
    }

    @Test
    void aGuestOnTwoVcpusWritesItsConsoleAndExitsWithItsCode() throws Exception {
        Vm vm = bed.vm();
        assertEquals("kvm", vm.hypervisor());
        GuestImage.load(vm, bed.arena, X86Guest.build("exit-code.S"), GuestImage.devicetree(2));
        VmContext ctx = bed.context(vm);
        VcpuTicket t0 = new VcpuTicket(0);
        VcpuTicket t1 = new VcpuTicket(1);
        ctx.addResourceTicket(t0);
        ctx.addResourceTicket(t1);
        vm.start();
        Future<String> c0 = threads.submit(() -> runToEnd(t0.vcpu, ctx));
        Future<String> c1 = threads.submit(() -> runToEnd(t1.vcpu, ctx));
        assertEquals("0@9000000", c0.get(30, TimeUnit.SECONDS));
        assertEquals("1@9000008", c1.get(30, TimeUnit.SECONDS));
        assertEquals(VmState.EXITED, vm.state());
        assertEquals(ExitInfo.withCode(ExitInfo.VM_EXIT, 0x600d), vm.exitInfo().orElseThrow());
    }

    @Test
    void aKickReturnsAVcpuHaltedInsideKvm() throws Exception {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, X86Guest.build("exit-code.S"), GuestImage.devicetree(2));
        VmContext ctx = bed.context(vm);
        VcpuTicket t1 = new VcpuTicket(1);
        ctx.addResourceTicket(t1);
        vm.start();
        // vCPU 1 writes its digit and halts with interrupts off: only a kick brings it back
        assertInstanceOf(VcpuRunResult.MmioWrite.class, runPastReady(t1.vcpu));
        Future<VcpuRunResult> halted = threads.submit(() -> t1.vcpu.run());
        assertThrows(java.util.concurrent.TimeoutException.class, () -> halted.get(200, TimeUnit.MILLISECONDS));
        t1.vcpu.kick();
        assertEquals(VcpuRunResult.READY, halted.get(10, TimeUnit.SECONDS));
    }

    @Test
    void everyKickReturnsTheRunItLandsInOrTheNextOne() throws Exception {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, X86Guest.build("exit-code.S"), GuestImage.devicetree(2));
        VmContext ctx = bed.context(vm);
        VcpuTicket t1 = new VcpuTicket(1);
        ctx.addResourceTicket(t1);
        vm.start();
        VcpuResource vcpu = t1.vcpu;
        assertInstanceOf(VcpuRunResult.MmioWrite.class, runPastReady(vcpu));
        // halted with interrupts off from here: a run returns only for a kick (or the VM's end)
        Semaphore returned = new Semaphore(0);
        AtomicBoolean stop = new AtomicBoolean();
        Future<VcpuRunResult> runner = threads.submit(() -> {
            while (true) {
                VcpuRunResult r = vcpu.run();
                if (r != VcpuRunResult.READY || stop.get()) {
                    return r;
                }
                returned.release();
            }
        });
        // kicks land before, inside and after KVM_RUN, and while the runner is between runs
        for (int i = 0; i < 500; i++) {
            vcpu.kick();
            assertTrue(returned.tryAcquire(10, TimeUnit.SECONDS), "kick " + i + " returned no run");
        }
        stop.set(true);
        vcpu.kick();
        assertEquals(VcpuRunResult.READY, runner.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closingTheVmReturnsARunnerHaltedInsideKvm() throws Exception {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, X86Guest.build("exit-code.S"), GuestImage.devicetree(2));
        VmContext ctx = bed.context(vm);
        VcpuTicket t1 = new VcpuTicket(1);
        ctx.addResourceTicket(t1);
        vm.start();
        VcpuResource vcpu = t1.vcpu;
        Future<String> runner = threads.submit(() -> runToEnd(vcpu, ctx));
        assertThrows(java.util.concurrent.TimeoutException.class, () -> runner.get(200, TimeUnit.MILLISECONDS));
        vm.close();
        assertEquals("1@9000008", runner.get(10, TimeUnit.SECONDS));
        assertEquals(ExitInfo.VM_FORCE_STOPPED, vm.exitInfo().orElseThrow().type());
    }

    /** An ioeventfd's handler: counts the writes that reach it instead of the kernel. */
    static final class Ioeventfd implements IoHandler {
        final EventFd target;
        final AtomicInteger dispatched = new AtomicInteger();

        Ioeventfd(EventFd target) {
            this.target = target;
        }

        @Override
        public long address() {
            return 0x0900_2000L;
        }

        @Override
        public int length() {
            return 4;
        }

        @Override
        public boolean datamatch() {
            return false;
        }

        @Override
        public long data() {
            return 0;
        }

        @Override
        public boolean write(long address, int length, long value) {
            dispatched.incrementAndGet();
            target.signal(1);
            return true;
        }

        @Override
        public Optional<EventFd> eventFd() {
            return Optional.of(target);
        }
    }

    /** A running VM whose guest (rings.S) rings {@code handler}'s doorbell 100 times, not yet run. */
    private record RingingVm(VmContext ctx, Ioeventfd handler, VcpuResource vcpu) {
        /** Runs the guest to its end; the MMIO writes no IO handler took, by address. */
        List<Long> run() throws GunyahException {
            List<Long> exits = new ArrayList<>();
            for (VcpuRunResult r = vcpu.run(); r != VcpuRunResult.POWERED_OFF; r = vcpu.run()) {
                if (r instanceof VcpuRunResult.MmioWrite w && !ctx.mmioWrite(w.address(), w.length(), w.value())) {
                    exits.add(w.address());
                }
            }
            return exits;
        }
    }

    private RingingVm ringingVm(EventFd rings) throws GunyahException {
        Vm vm = bed.vm();
        GuestImage.load(vm, bed.arena, X86Guest.build("rings.S"), GuestImage.devicetree(1));
        VmContext ctx = bed.context(vm);
        Ioeventfd handler = new Ioeventfd(rings);
        ctx.addIoHandler(handler);
        VcpuTicket t0 = new VcpuTicket(0);
        ctx.addResourceTicket(t0);
        vm.start(); // offloads the handler where the backend can
        return new RingingVm(ctx, handler, t0.vcpu);
    }

    @Test
    void anIoeventfdsWritesAreMatchedInTheKernelWithoutAnExit() throws Exception {
        EventFd rings = bed.manager.createEventFd(0, EventFd.NONBLOCK);
        RingingVm vm = ringingVm(rings);
        assertEquals(List.of(0x0900_2100L), vm.run(), "only the unhandled write left KVM");
        assertEquals(0, vm.handler().dispatched.get());
        assertEquals(100, rings.read());
    }

    @Test
    void anIoeventfdRemovedAfterItsEventFdWasClosedLeavesKvmToo() throws Exception {
        EventFd rings = bed.manager.createEventFd(0, EventFd.NONBLOCK);
        RingingVm vm = ringingVm(rings);
        rings.close(); // its number may be reused from now on
        vm.ctx().removeIoHandler(vm.handler());
        long doorbellExits = vm.run().stream().filter(a -> a == 0x0900_2000L).count();
        assertEquals(100, doorbellExits, "with the handler gone, every ring exits to the VMM again");
    }

    @Test
    void anIoeventfdOnAnEventFdKvmCannotWatchStaysOnTheExitPath() throws Exception {
        VmManagerCore javaEventFds = new VmManagerCore(java.time.Duration.ofSeconds(1));
        EventFd rings = javaEventFds.createEventFd(0, EventFd.NONBLOCK);
        RingingVm vm = ringingVm(rings);
        assertEquals(List.of(0x0900_2100L), vm.run());
        assertEquals(100, vm.handler().dispatched.get());
        assertEquals(100, rings.read());
    }

    private static long openFds() throws java.io.IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void vmsThatRanAndClosedLeaveNoFileDescriptorBehind() throws Exception {
        byte[] guest = X86Guest.build("rings.S");
        EventFd warm = bed.manager.createEventFd(0, 0); // the eventfd poller's own fds, once
        warm.close();
        long before = openFds();
        for (int i = 0; i < 50; i++) {
            Vm vm = bed.vm();
            GuestImage.load(vm, bed.arena, guest, GuestImage.devicetree(1, GuestImage.doorbell(1, 0, 0)));
            VmContext ctx = bed.context(vm);
            EventFd rings = bed.manager.createEventFd(0, EventFd.NONBLOCK);
            ctx.addIoHandler(new Ioeventfd(rings));
            VcpuTicket t0 = new VcpuTicket(0);
            ctx.addResourceTicket(t0);
            vm.start();
            while (t0.vcpu.run() != VcpuRunResult.POWERED_OFF) {
                // the guest rings and exits
            }
            vm.close();
            rings.close();
        }
        assertEquals(before, openFds(), "VM, vCPU, doorbell, resample and eventfd fds are all closed");
    }

    @Test
    void aDoorbellBeyondTheIoapicsFreePinsIsRefusedAtStart() throws Exception {
        Vm vm = bed.vm();
        GuestImage.load(
                vm, bed.arena, X86Guest.build("exit-code.S"), GuestImage.devicetree(1, GuestImage.doorbell(1, 8, 0)));
        GunyahException e = assertThrows(GunyahException.class, vm::start);
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("SPIs 0..7"), e.getMessage());
        assertEquals(VmState.LOAD_FAILED, vm.state());
    }

    @Test
    void aTripleFaultCrashesTheVm() throws Exception {
        Vm vm = bed.vm();
        // int3 with no IDT loaded: #BP, then #DF, then a triple fault
        GuestImage.load(
                vm,
                bed.arena,
                X86Guest.build("crash.S", ".code32\n_start: int3\n".getBytes()),
                GuestImage.devicetree(1));
        VmContext ctx = bed.context(vm);
        VcpuTicket t0 = new VcpuTicket(0);
        ctx.addResourceTicket(t0);
        vm.start();
        assertEquals(VcpuRunResult.POWERED_OFF, runPastReady(t0.vcpu));
        assertEquals(VmState.CRASHED, vm.state());
    }
}
