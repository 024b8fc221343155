package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.managed.DeviceSpec;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmSpec;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.CoreOptions;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.util.tracker.ServiceTracker;

/**
 * A device bundle in Felix: its DS component is the device model a running VM's device was made
 * by; updating the bundle (a new revision, as a redeploy brings) makes the device hand its state
 * to the new revision's model while the VM runs on, and stopping it holds the device's window
 * until it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeviceBundleIT extends GunyahTestSupport {
    static final String RNG = "org.gunyah.vmm.device.virtio.rng";

    @Override
    @Configuration
    public Option[] config() {
        return CoreOptions.options(
                base(),
                reactorBundle(VCPU),
                reactorBundle(IRQFD),
                reactorBundle(IOEVENTFD),
                reactorBundle("org.gunyah.vmm.vmm"),
                reactorBundle("org.gunyah.vmm.virtio"),
                reactorBundle(RNG));
    }

    private ManagedVm running() throws Exception {
        Path image = Files.createTempFile("spin", ".bin");
        Files.write(image, new byte[] {0, 0, 0, 0x14}); // b .
        await(DeviceModel.class);
        ManagedVm vm = await(ManagedVms.class)
                .create(VmSpec.of("rng")
                        .withMemory(1 << 20)
                        .withImage(image)
                        .withPluggedDevices(List.of(new DeviceSpec("virtio-rng", Map.of()))));
        vm.addFunction(new VcpuArg(0).desc());
        vm.start();
        return vm;
    }

    /** The model of the current revision, waiting (bounded) for DS to register it. */
    private DeviceModel model() throws InterruptedException {
        ServiceTracker<DeviceModel, DeviceModel> t = new ServiceTracker<>(context, DeviceModel.class, null);
        t.open();
        try {
            return t.waitForService(TimeUnit.SECONDS.toMillis(10));
        } finally {
            t.close();
        }
    }

    @Test
    public void theVirtioRngBundlesModelMakesAVmsDevice() throws Exception {
        ManagedVm vm = running();

        assertEquals(java.util.Set.of("virtio-rng"), await(ManagedVms.class).deviceModels());
        assertTrue(vm.devices().getFirst().attached());
        assertEquals(0x0b00_0000L, vm.devices().getFirst().base());
        vm.close();
    }

    @Test
    public void updatingTheDeviceBundleHandsTheDeviceToTheNewRevisionWhileTheVmRuns() throws Exception {
        ManagedVm vm = running();
        Bundle rng = installed(RNG);
        Object before = rng.adapt(org.osgi.framework.wiring.BundleRevision.class);

        rng.update();

        assertNotNull(model());
        assertNotEquals(before, rng.adapt(org.osgi.framework.wiring.BundleRevision.class));
        assertTrue(vm.devices().getFirst().attached());
        assertEquals(VmState.RUNNING, vm.vm().state());
        vm.close();
    }

    @Test
    public void stoppingTheDeviceBundleHoldsTheDeviceUntilItIsStartedAgain() throws Exception {
        ManagedVm vm = running();
        Bundle rng = installed(RNG);

        rng.stop();
        assertFalse(vm.devices().getFirst().attached());
        assertEquals(VmState.RUNNING, vm.vm().state());
        rng.start();

        assertNotNull(model());
        assertTrue(vm.devices().getFirst().attached());
        vm.close();
    }
}
