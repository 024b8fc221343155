package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.VmOverview;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedVmTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TestBed bed = new TestBed();
    private final ManagedVmRegistry vms = new ManagedVmRegistry(bed.manager);

    @TempDir
    Path dir;

    private TestFunctions.Provider vcpuProvider;
    private TestFunctions.Provider irqfdProvider;

    @BeforeEach
    void functions() {
        vcpuProvider = bed.provide(FunctionType.VCPU, new VcpuFunction());
        irqfdProvider = bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    }

    @AfterEach
    void close() {
        vms.close();
        bed.close();
    }

    private Path image(String guest) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/guests/" + guest + ".S")) {
            String source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Path file = dir.resolve(guest + ".bin");
            Files.write(
                    file, A64Assembler.assemble(source, VmSpec.DEFAULT_RAM_BASE).image());
            return file;
        }
    }

    private ManagedVm running(String name, String guest, int vcpus) throws Exception {
        ManagedVm vm = vms.create(VmSpec.of(name).withMemory(1 << 20).withImage(image(guest)));
        for (int i = 0; i < vcpus; i++) {
            vm.addFunction(new VcpuArg(i).desc());
        }
        vm.start();
        return vm;
    }

    @Test
    void aGuestPrintsThroughTheConsoleAndExitsWithItsCode() throws Exception {
        ManagedVm vm = running("hello", "console-hello", 1);

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("hello from the console\n", vm.console());
        assertEquals(VmState.EXITED, vm.vm().state());
        assertEquals(42, vm.vm().exitInfo().orElseThrow().code());
        assertEquals("hello from the console\n".length(), vm.stats().consoleWrites());
        assertEquals(0, vm.stats().unhandledExits());
        assertEquals(0, vm.runningVcpus());
    }

    @Test
    void withoutTheConsoleModelItsWritesAreUnhandled() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("mute")
                .withMemory(1 << 20)
                .withImage(image("console-hello"))
                .withDevices(java.util.Set.of(org.gunyah.vmm.managed.Devices.Model.EXIT_REGISTER)));
        vm.addFunction(new VcpuArg(0).desc());
        vm.start();

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("", vm.console());
        assertEquals("hello from the console\n".length(), vm.stats().unhandledExits());
    }

    @Test
    void eachVcpuGetsItsOwnThreadAndConsoleLine() throws Exception {
        ManagedVm vm = running("many", "console-hello", 3);

        assertTrue(vm.awaitDown(TIMEOUT));
        assertTrue(vm.console().lines().filter("hello from the console"::equals).count() >= 1);
        assertEquals(0, vm.runningVcpus());
    }

    @Test
    void closingARunningVmEndsItsVcpuThreadsAndReturnsEverything() throws Exception {
        int before = bed.hypervisor.allocatedVms();
        ManagedVm vm = running("spinner", "spin", 2);
        assertEquals(2, vm.runningVcpus());

        vm.close();

        assertEquals(0, vm.runningVcpus());
        assertEquals(VmState.CLOSED, vm.vm().state());
        assertEquals(before, bed.hypervisor.allocatedVms());
        assertTrue(vms.find("spinner").isEmpty());
    }

    @Test
    void removingAVcpuEndsItsThread() throws Exception {
        ManagedVm vm = running("shrinking", "spin", 2);

        vm.removeFunction(new VcpuArg(1).desc());

        assertTrue(vm.awaitRunningVcpus(1, TIMEOUT));
        assertEquals(1, vm.runningVcpus());
        assertEquals(VmState.RUNNING, vm.vm().state());
    }

    @Test
    void aDeclaredVmHasItsDoorbellAnsweredByInterruptsAndExitsThroughTheExitRegister() throws Exception {
        VmDeclaration declaration = VmDeclaration.parse(
                Map.of(
                        "name",
                        "bell",
                        "memory",
                        "1M",
                        "image",
                        image("doorbell").getFileName().toString(),
                        "irqfds",
                        "label=1",
                        "ioeventfds",
                        "addr=0x0a000000 len=4 irq=1"),
                dir);

        ManagedVm vm = vms.launch(declaration);

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("EXITED(3)", vm.status());
        assertEquals("k\n", vm.console());
        assertEquals(3, vm.stats().doorbellSignals());
        assertEquals(3, vm.stats().interruptsSent());
        assertEquals(
                List.of("ioeventfd", "irqfd", "vcpu"),
                vm.vm().functions().stream()
                        .map(f -> org.gunyah.vmm.api.FunctionType.describe(f.type()))
                        .sorted()
                        .toList());
    }

    @Test
    void aLaunchThatFailsLeavesNothing() throws Exception {
        int before = bed.hypervisor.allocatedVms();
        VmDeclaration declaration = VmDeclaration.parse(
                Map.of("name", "broken", "memory", "64K", "ioeventfds", "addr=0x0a000000 len=3"), dir);

        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> vms.launch(declaration))
                        .errno());

        assertEquals(before, bed.hypervisor.allocatedVms());
        assertTrue(vms.find("broken").isEmpty());
    }

    @Test
    void aDeclarationNamesAnyFunctionTypeByItsName() throws Exception {
        List<byte[]> bound = new java.util.concurrent.CopyOnWriteArrayList<>();
        bed.provide(42, new org.gunyah.vmm.spi.VmFunction() {
            @Override
            public Object bind(org.gunyah.vmm.spi.FunctionInstance instance) {
                bound.add(instance.arg());
                return null;
            }

            @Override
            public void unbind(org.gunyah.vmm.spi.FunctionInstance instance) {}

            @Override
            public boolean compare(org.gunyah.vmm.spi.FunctionInstance instance, byte[] arg) {
                return java.util.Arrays.equals(instance.arg(), arg);
            }
        });
        try (ManagedVmRegistry named = new ManagedVmRegistry(
                bed.manager, name -> name.equals("counter") ? java.util.Optional.of(42) : java.util.Optional.empty())) {
            VmDeclaration declaration = VmDeclaration.parse(
                    Map.of(
                            "name",
                            "counted",
                            "memory",
                            "64K",
                            "functions",
                            "counter arg=2a000000, ioeventfd addr=0x0a000010 len=4"),
                    dir);

            ManagedVm vm = named.launch(declaration);

            assertEquals(1, bound.size());
            assertEquals(List.of((byte) 0x2a, (byte) 0, (byte) 0, (byte) 0), toList(bound.getFirst()));
            vm.close();
        }
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> out = new java.util.ArrayList<>();
        for (byte b : bytes) {
            out.add(b);
        }
        return out;
    }

    @Test
    void aFunctionNameNoBundleProvidesIsEnoentAndCreatesNothing() throws Exception {
        int before = bed.hypervisor.allocatedVms();
        VmDeclaration declaration =
                VmDeclaration.parse(Map.of("name", "orphan", "memory", "64K", "functions", "counter arg=01"), dir);

        GunyahException e = assertThrows(GunyahException.class, () -> vms.launch(declaration));

        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("no function type named counter"), e.getMessage());
        assertEquals(before, bed.hypervisor.allocatedVms());
        assertTrue(vms.find("orphan").isEmpty());
    }

    @Test
    void aNameInUseIsEexistAndCreatesNothing() throws Exception {
        vms.create(VmSpec.of("twice"));
        int before = bed.hypervisor.allocatedVms();

        GunyahException e = assertThrows(GunyahException.class, () -> vms.create(VmSpec.of("twice")));

        assertEquals(Errno.EEXIST, e.errno());
        assertEquals(before, bed.hypervisor.allocatedVms());
        assertEquals(1, vms.list().size());
    }

    @Test
    void aMalformedNameIsEinval() {
        GunyahException e = assertThrows(GunyahException.class, () -> vms.create(VmSpec.of("no spaces")));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(vms.list().isEmpty());
    }

    @Test
    void memoryThatIsNotWholePagesIsEinval() {
        GunyahException e = assertThrows(
                GunyahException.class, () -> vms.create(VmSpec.of("odd").withMemory(12345)));

        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void anImageLargerThanRamIsEinvalAndLeavesNoVm() throws Exception {
        int before = bed.hypervisor.allocatedVms();
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[64 * 1024]);

        GunyahException e = assertThrows(
                GunyahException.class,
                () -> vms.create(VmSpec.of("big").withMemory(64 * 1024).withImage(big)));

        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(before, bed.hypervisor.allocatedVms());
        assertTrue(vms.find("big").isEmpty());
    }

    @Test
    void aMissingImageIsEnoent() {
        GunyahException e = assertThrows(
                GunyahException.class, () -> vms.create(VmSpec.of("lost").withImage(dir.resolve("nothing.bin"))));

        assertEquals(Errno.ENOENT, e.errno());
    }

    @Test
    void startingWithoutAVcpuIsEinvalAndTheVmCanStillStart() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("empty").withMemory(1 << 20).withImage(image("console-hello")));

        assertEquals(
                Errno.EINVAL, assertThrows(GunyahException.class, vm::start).errno());

        vm.addFunction(new VcpuArg(0).desc());
        vm.start();
        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals(VmState.EXITED, vm.vm().state());
    }

    @Test
    void aSecondStartIsEbusy() throws Exception {
        ManagedVm vm = running("again", "spin", 1);

        assertEquals(Errno.EBUSY, assertThrows(GunyahException.class, vm::start).errno());
    }

    @Test
    void theVmIsFoundByNameOrById() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("findme"));

        assertEquals(vm, vms.find("findme").orElseThrow());
        assertEquals(vm, vms.find(String.valueOf(vm.vm().id())).orElseThrow());
        assertTrue(vms.find("other").isEmpty());
    }

    @Test
    void aFunctionUnboundWithItsBundleIsAddedAgainWhenItsTypeIsBack() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("keeper").withMemory(1 << 20));
        EventFd fd = bed.manager.createEventFd(0, 0);
        FunctionDesc irqfd = new IrqfdArg(fd.fd(), 1, 0).desc();
        vm.addFunction(irqfd);

        bed.manager.registry().remove(irqfdProvider);
        assertEquals(List.of(irqfd), vm.missingFunctions());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());

        assertTrue(vm.awaitFunctions(TIMEOUT));
        assertEquals(List.of(irqfd), vm.vm().functions());
        assertEquals(1, vm.stats().functionsRestored());
        fd.close();
    }

    @Test
    void aRemovedFunctionIsNotKept() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("forgetful").withMemory(1 << 20));
        vm.addFunction(new VcpuArg(0).desc());

        vm.removeFunction(new VcpuArg(0).desc());

        assertEquals(List.of(), vm.missingFunctions());
        assertTrue(vm.awaitFunctions(TIMEOUT));
        assertEquals(List.of(), vm.vm().functions());
    }

    @Test
    void aVcpuWhoseBundleWasAwayAtStartRunsTheGuestOnceItIsBack() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("late").withMemory(1 << 20).withImage(image("console-hello")));
        vm.addFunction(new VcpuArg(0).desc());
        bed.manager.registry().remove(vcpuProvider);

        vm.start();
        assertTrue(vm.awaitRunningVcpus(0, TIMEOUT));
        assertEquals("", vm.console());
        bed.provide(FunctionType.VCPU, new VcpuFunction());

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("hello from the console\n", vm.console());
        assertEquals(List.of(), vm.stats().errors());
    }

    @Test
    void theGuestsRamReadsBackAndOutsideItIsEfault() throws Exception {
        Path image = image("console-hello");
        ManagedVm vm = vms.create(VmSpec.of("peek").withMemory(1 << 20).withImage(image));

        byte[] start = java.util.Arrays.copyOf(Files.readAllBytes(image), 8);
        assertArrayEquals(start, vm.readGuest(VmSpec.DEFAULT_RAM_BASE, 8));
        assertEquals(
                Errno.EFAULT,
                assertThrows(GunyahException.class, () -> vm.readGuest(VmSpec.DEFAULT_RAM_BASE + (1 << 20) - 4, 8))
                        .errno());
        assertEquals(
                Errno.EFAULT,
                assertThrows(GunyahException.class, () -> vm.readGuest(VmSpec.DEFAULT_RAM_BASE - 1, 1))
                        .errno());
        assertEquals(
                Errno.EFAULT,
                assertThrows(GunyahException.class, () -> vm.readGuest(-1L, 2)).errno());
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> vm.readGuest(VmSpec.DEFAULT_RAM_BASE, -1))
                        .errno());
    }

    @Test
    void whatIsWrittenIntoGuestRamReadsBackAndOutsideItIsEfault() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("poke").withMemory(1 << 20));

        vm.writeGuest(VmSpec.DEFAULT_RAM_BASE + 0x100, new byte[] {1, 2, 3});

        assertArrayEquals(new byte[] {0, 1, 2, 3, 0}, vm.readGuest(VmSpec.DEFAULT_RAM_BASE + 0xff, 5));
        assertEquals(
                Errno.EFAULT,
                assertThrows(
                                GunyahException.class,
                                () -> vm.writeGuest(VmSpec.DEFAULT_RAM_BASE + (1 << 20) - 1, new byte[2]))
                        .errno());
        vm.close();
        assertEquals(
                Errno.ENODEV,
                assertThrows(GunyahException.class, () -> vm.readGuest(VmSpec.DEFAULT_RAM_BASE, 1))
                        .errno());
    }

    @Test
    void aCrashOnOneVcpuTakesItsVmDownButNotItsNeighbour() throws Exception {
        ManagedVm neighbour = running("neighbour", "spin", 2);
        ManagedVm crashing = running("crashing", "crash-one", 3);

        assertTrue(crashing.awaitDown(TIMEOUT));

        assertTrue(crashing.status().startsWith("CRASHED(vCPU 1: "), crashing.status());
        assertEquals(0, crashing.runningVcpus());
        assertEquals(List.of(), crashing.stats().errors());
        crashing.close();
        assertEquals("RUNNING", neighbour.status());
        assertEquals(2, neighbour.runningVcpus());
    }

    /** The consoles' view of the test bed, as the framework's FunctionAdmin gives it. */
    private org.gunyah.vmm.api.admin.FunctionAdmin admin() {
        return new org.gunyah.vmm.api.admin.FunctionAdmin() {
            @Override
            public List<org.gunyah.vmm.api.admin.FunctionTypeInfo> functionTypes() {
                return bed.manager.functionTypes();
            }

            @Override
            public java.util.Optional<org.gunyah.vmm.api.admin.FunctionTypeInfo> functionType(int type) {
                return bed.manager.functionType(type);
            }

            @Override
            public List<org.gunyah.vmm.api.admin.VmInfo> listVms() {
                return bed.manager.listVms();
            }

            @Override
            public org.gunyah.vmm.api.admin.FunctionTypeInfo deploy(java.net.URI source) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void undeploy(String typeOrName, org.gunyah.vmm.api.admin.UndeployOption... options) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private VmOverview overview(ManagedVm vm) {
        return VmOverview.of(admin(), vms).stream()
                .filter(r -> r.id() == vm.vm().id())
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aGuestThatWroteTheExitRegisterIsExitedInTheVmTable() throws Exception {
        ManagedVm vm = running("done", "exit-zero", 1);
        assertTrue(vm.awaitDown(TIMEOUT));

        assertEquals("EXITED(0)", overview(vm).status());
    }

    @Test
    void aCrashedVmsStatusSaysWhyAndWhere() throws Exception {
        ManagedVm vm = running("broken", "crash-one", 2);
        assertTrue(vm.awaitDown(TIMEOUT));

        // The guest has no exception vectors, so it cannot take the undefined instruction.
        String expected = "CRASHED\\(vCPU 1: undefined instruction .* in the exception vectors .* at pc 0x4[0-9a-f]+"
                + " \\(instruction 0x00000000\\)\\)";
        assertTrue(vm.status().matches(expected), vm.status());
        assertTrue(overview(vm).status().matches(expected), overview(vm).status());
    }

    /** A function type no built-in name covers, as a third party's bundle provides it. */
    private static final class ThirdParty implements org.gunyah.vmm.spi.VmFunction {
        @Override
        public Object bind(org.gunyah.vmm.spi.FunctionInstance instance) {
            return null;
        }

        @Override
        public void unbind(org.gunyah.vmm.spi.FunctionInstance instance) {}

        @Override
        public boolean compare(org.gunyah.vmm.spi.FunctionInstance instance, byte[] arg) {
            return java.util.Arrays.equals(instance.arg(), arg);
        }
    }

    @Test
    void aThirdPartysFunctionTypeShowsByItsProvidersNameInTheVmTable() throws Exception {
        bed.provide(42, new ThirdParty());
        ManagedVm vm = vms.create(VmSpec.of("extended").withMemory(1 << 20));

        vm.addFunction(new FunctionDesc(42, new byte[] {1}));
        vm.addFunction(new FunctionDesc(42, new byte[] {2}));

        assertEquals("test-42:2", overview(vm).functions());
    }

    /** A function whose bind waits for {@code release}: its VM's lock stays held meanwhile. */
    private static final class BlockingBind implements org.gunyah.vmm.spi.VmFunction {
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

        @Override
        public Object bind(org.gunyah.vmm.spi.FunctionInstance instance) throws GunyahException {
            entered.countDown();
            try {
                release.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public void unbind(org.gunyah.vmm.spi.FunctionInstance instance) {}

        @Override
        public boolean compare(org.gunyah.vmm.spi.FunctionInstance instance, byte[] arg) {
            return java.util.Arrays.equals(instance.arg(), arg);
        }
    }

    @Test
    void addingAFunctionTheVmKeepsForItsTypesReturnTakesThatOneOver() throws Exception {
        // An older VM whose add is stuck in a bind holds up the VMM's restores (one thread, oldest VM first),
        // so that what the user's add alone does is seen.
        BlockingBind blocking = new BlockingBind();
        bed.provide(43, blocking);
        ManagedVm older = vms.create(VmSpec.of("older").withMemory(1 << 20));
        CompletableFuture<Boolean> stuck =
                inThread(() -> older.addFunction(new FunctionDesc(43, new byte[] {1})) != null);
        assertTrue(blocking.entered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        ManagedVm vm = vms.create(VmSpec.of("takeover").withMemory(1 << 20));
        EventFd before = bed.manager.createEventFd(0, 0);
        vm.addFunction(new IrqfdArg(before.fd(), 1, 0).desc());
        bed.manager.registry().remove(irqfdProvider); // a forced undeploy: the VM keeps label 1 for its return
        // The user's add loads the bundle again, as fn-add does: its return queues the VMM's restore.
        bed.manager.setResolver(type -> {
            if (type == FunctionType.IRQFD
                    && bed.manager.registry().lookup(type).isEmpty()) {
                bed.provide(FunctionType.IRQFD, new IrqfdFunction());
            }
            return bed.manager.registry().lookup(type);
        });
        EventFd after = bed.manager.createEventFd(0, 0);
        FunctionDesc added = new IrqfdArg(after.fd(), 1, 0).desc();

        vm.addFunction(added);

        assertEquals(List.of(), vm.missingFunctions());
        assertEquals("test-2:1", overview(vm).functions()); // one irqfd, by its test provider's name
        blocking.release.countDown();
        stuck.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertTrue(vm.awaitFunctions(TIMEOUT));
        assertEquals(List.of(added), vm.vm().functions());
        before.close();
        after.close();
    }

    private static CompletableFuture<Boolean> inThread(java.util.concurrent.Callable<Boolean> wait) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                result.complete(wait.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Test
    void awaitDownHearsTheVmManagerCloseTheVmUnderIt() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("underfoot").withMemory(1 << 20));
        CompletableFuture<Boolean> down = inThread(() -> vm.awaitDown(Duration.ofMinutes(10)));

        vm.vm().close();

        assertTrue(down.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals("CLOSED", vm.status());
    }

    @Test
    void awaitFunctionsEndsWithFalseWhenTheVmIsClosedMeanwhile() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("waiting").withMemory(1 << 20));
        EventFd fd = bed.manager.createEventFd(0, 0);
        vm.addFunction(new IrqfdArg(fd.fd(), 1, 0).desc());
        bed.manager.registry().remove(irqfdProvider);
        CompletableFuture<Boolean> restored = inThread(() -> vm.awaitFunctions(Duration.ofMinutes(10)));

        vm.close();

        assertFalse(restored.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        fd.close();
    }

    @Test
    void theExitRegisterEndsEveryVcpuAndTheStatusKeepsItsCodeAfterClose() throws Exception {
        VmDeclaration declaration = VmDeclaration.parse(
                Map.of(
                        "name",
                        "bye",
                        "memory",
                        "1M",
                        "image",
                        image("doorbell").getFileName().toString(),
                        "irqfds",
                        "label=1",
                        "ioeventfds",
                        "addr=0x0a000000 len=4 irq=1"),
                dir);
        ManagedVm vm = vms.launch(declaration);
        assertTrue(vm.awaitDown(TIMEOUT));

        vm.close();

        assertEquals("EXITED(3)", vm.status());
        assertEquals(0, vm.runningVcpus());
        assertEquals(
                Errno.ENODEV, assertThrows(GunyahException.class, vm::start).errno());
    }

    @Test
    void awaitFindsAVmOnlyOnceItsStartHasReturned() throws Exception {
        ManagedVm vm = vms.create(VmSpec.of("awaited").withMemory(1 << 20).withImage(image("spin")));
        vm.addFunction(new VcpuArg(0).desc());
        assertTrue(vms.await("awaited", Duration.ofMillis(20)).isEmpty());

        vm.start();

        assertEquals(vm, vms.await("awaited", TIMEOUT).orElseThrow());
        assertEquals(VmState.RUNNING, vm.vm().state());
    }
}
