package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.managed.DeviceSpec;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.VmSpec;
import org.gunyah.vmm.testing.Errnos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices of device bundles on a VM's bus: their window, their doorbells, their replacement, their end. */
class PluggedDeviceTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long WINDOW = PluggedDevice.FIRST_BASE;

    /** Stores 0x1234 at +0x10 of the first device's window, rings its doorbell at +0x50, then exits with 0. */
    private static final String GUEST = """
                ldr     x1, =0x0b000000
                mov     w2, #0x1234
                str     w2, [x1, #0x10]
                mov     w3, #1
                str     w3, [x1, #0x50]
                ldr     x0, =0x09001000
                str     xzr, [x0]
        1:      b       1b
                .ltorg
        """;

    private final TestVms testVms = new TestVms();
    private final ManagedVmRegistry vms = testVms.vms;
    private final Model model = new Model("test-device");

    @TempDir
    Path dir;

    @BeforeEach
    void models() {
        vms.addDeviceModel(model);
    }

    @AfterEach
    void close() {
        testVms.close();
    }

    /** A model whose devices record what reaches them and hand over a state naming their generation. */
    static final class Model implements DeviceModel {
        final String name;
        final List<String> accesses = new CopyOnWriteArrayList<>();
        final List<Optional<DeviceState>> createdFrom = new CopyOnWriteArrayList<>();
        final CountDownLatch rung = new CountDownLatch(1);
        final List<TestDevice> devices = new CopyOnWriteArrayList<>();

        Model(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long windowSize() {
            return 0x200;
        }

        @Override
        public String compatible() {
            return "gunyah-vmm,test-device";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> options, Optional<DeviceState> state)
                throws GunyahException {
            if (options.containsKey("bad")) {
                throw GunyahException.of(Errno.EINVAL, "test-device: bad option");
            }
            createdFrom.add(state);
            TestDevice d = new TestDevice(this, context.doorbell(0x50, 4, OptionalLong.empty(), rung::countDown));
            devices.add(d);
            return d;
        }
    }

    record TestDevice(Model model, DeviceContext.Registration doorbell, CompletableFuture<Void> closed)
            implements Device, MmioDevice {
        TestDevice(Model model, DeviceContext.Registration doorbell) {
            this(model, doorbell, new CompletableFuture<>());
        }

        @Override
        public MmioDevice registers() {
            return this;
        }

        @Override
        public long read(long offset, int size) {
            model.accesses.add("read " + offset);
            return 0x55;
        }

        @Override
        public void write(long offset, int size, long value) {
            model.accesses.add(String.format("write 0x%x/%d=0x%x", offset, size, value));
        }

        @Override
        public DeviceState quiesce() {
            return new DeviceState(model.name, 1, new byte[] {(byte) model.devices.size()});
        }

        @Override
        public void resume() {}

        @Override
        public void close() {
            doorbell.close();
            closed.complete(null);
        }
    }

    private ManagedVm running(String name, String... devices) throws Exception {
        Path image = TestVms.assemble(dir.resolve(name + ".bin"), GUEST);
        ManagedVm vm = vms.create(VmSpec.of(name)
                .withMemory(1 << 20)
                .withImage(image)
                .withPluggedDevices(List.of(devices).stream()
                        .map(d -> new DeviceSpec(d, Map.of()))
                        .toList()));
        vm.addFunction(new VcpuArg(0).desc());
        vm.start();
        return vm;
    }

    @Test
    void theGuestsAccessesInTheWindowReachTheDeviceByOffset() throws Exception {
        ManagedVm vm = running("window", "test-device");

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals("EXITED(0)", vm.status());
        assertEquals(List.of("write 0x10/4=0x1234"), model.accesses);
    }

    @Test
    void aDoorbellIsAnIoeventfdTheWriteNeverReachesTheRegisters() throws Exception {
        ManagedVm vm = running("bell", "test-device");

        assertTrue(model.rung.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertTrue(vm.awaitDown(TIMEOUT));
        assertFalse(model.accesses.stream().anyMatch(a -> a.startsWith("write 0x50")), model.accesses::toString);
    }

    @Test
    void aModelNoBundleProvidesIsEnoentAndLeavesNothing() {
        Errnos.assertErrno(
                Errno.ENOENT,
                () -> vms.create(
                        VmSpec.of("orphan").withPluggedDevices(List.of(new DeviceSpec("virtio-nothing", Map.of())))));
        assertTrue(vms.list().isEmpty());
        assertTrue(vms.find("orphan").isEmpty());
    }

    @Test
    void anOptionTheModelRefusesIsItsErrnoAndLeavesNothing() {
        Errnos.assertErrno(
                Errno.EINVAL,
                () -> vms.create(VmSpec.of("refused")
                        .withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of("bad", "1"))))));
        assertTrue(vms.list().isEmpty());
    }

    @Test
    void aReplacedModelsSuccessorIsMadeFromTheStateTheDeviceHandedOver() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("replaced").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));
        TestDevice first = model.devices.getFirst();

        vms.removeDeviceModel(model);
        assertTrue(first.closed().isDone());
        vms.addDeviceModel(model);

        assertEquals(
                List.of(Optional.empty(), Optional.of(new DeviceState("test-device", 1, new byte[] {1}))),
                model.createdFrom);
        vm.close();
    }

    @Test
    void anAccessWhileTheModelIsAwayWaitsForItsSuccessor() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("held").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));
        HeldRegisters window = ((ManagedVmImpl) vm).pluggedRegisters(0);
        vms.removeDeviceModel(model);

        CompletableFuture<Long> read = CompletableFuture.supplyAsync(() -> window.read(4, 4));
        assertFalse(read.isDone());
        vms.addDeviceModel(model);

        assertEquals(0x55, read.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        vm.close();
    }

    @Test
    void closingTheVmClosesItsDevicesAndTheirDoorbells() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("closed").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));
        int functions = vm.vm().functions().size();

        vm.close();

        assertTrue(model.devices.getFirst().closed().isDone());
        assertEquals(1, functions); // the doorbell's ioeventfd, while it lived
    }

    @Test
    void aVmsDevicesShowTheirWindowAndWhetherTheyAreAttachedOrHeld() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("shown").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));

        assertEquals(
                List.of(new org.gunyah.vmm.managed.DeviceInfo(
                        new DeviceSpec("test-device", Map.of()), WINDOW, 0x200, 16, true)),
                vm.devices());
        vms.removeDeviceModel(model);
        assertFalse(vm.devices().getFirst().attached());
        assertEquals(java.util.Set.of(), vms.deviceModels());
        vms.addDeviceModel(model);
        assertTrue(vm.devices().getFirst().attached());
        assertEquals(java.util.Set.of("test-device"), vms.deviceModels());
        vm.close();
    }

    @Test
    void eachReplacementIsCountedWithThePauseItCaused() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("paused").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));
        assertEquals(0, vm.devices().getFirst().replacements().count());

        for (int i = 0; i < 2; i++) {
            vms.removeDeviceModel(model);
            vms.addDeviceModel(model);
        }

        org.gunyah.vmm.managed.DeviceInfo.Replacements r =
                vm.devices().getFirst().replacements();
        assertEquals(2, r.count());
        assertTrue(r.last().isPositive());
        assertTrue(r.longest().compareTo(r.last()) >= 0);
        assertTrue(r.total().compareTo(r.longest()) >= 0);
        vm.close();
    }

    @Test
    void aModelThatLeavesAndIsNotBackYetCountsNoReplacement() throws Exception {
        ManagedVm vm =
                vms.create(VmSpec.of("away").withPluggedDevices(List.of(new DeviceSpec("test-device", Map.of()))));

        vms.removeDeviceModel(model);

        assertEquals(0, vm.devices().getFirst().replacements().count());
        vm.close();
    }
}
