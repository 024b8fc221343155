package org.gunyah.vmm.itests;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.VmFunction;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FrameworkIT extends GunyahTestSupport {

    /** A function that records its instances; compare matches equal argument bytes. */
    static final class RecordingFunction implements VmFunction {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public Object bind(FunctionInstance instance) {
            calls.add("bind " + Arrays.toString(instance.arg()));
            return null;
        }

        @Override
        public void unbind(FunctionInstance instance) {
            calls.add("unbind " + Arrays.toString(instance.arg()));
        }

        @Override
        public boolean compare(FunctionInstance instance, byte[] arg) {
            return Arrays.equals(instance.arg(), arg);
        }
    }

    private ServiceRegistration<VmFunction> register(VmFunction fn, int type, String name) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(VmFunction.TYPE, type);
        props.put(VmFunction.NAME, name);
        return context.registerService(VmFunction.class, fn, props);
    }

    private static FunctionDesc desc(int type, int value) {
        return new FunctionDesc(type, ByteBuffer.allocate(4).putInt(value).array());
    }

    private boolean frameworkUses(ServiceReference<?> ref) {
        Bundle[] users = ref.getUsingBundles();
        return users != null && Arrays.asList(users).contains(installed(FRAMEWORK));
    }

    @Test
    public void frameworkAndEmulatedBackendAreActive() {
        assertEquals(Bundle.ACTIVE, installed(FRAMEWORK).getState());
        assertEquals(Bundle.ACTIVE, installed(EMULATED).getState());
    }

    @Test
    public void vmManagerOffersTheEmulatedBackend() throws Exception {
        VmManager manager = await(VmManager.class);
        assertEquals(List.of("emulated"), manager.hypervisors());
        try (Vm vm = manager.createVm()) {
            assertEquals("emulated", vm.hypervisor());
        }
    }

    @Test
    public void eachInstancePinsTheFunctionServiceUntilItIsRemoved() throws Exception {
        VmManager manager = await(VmManager.class);
        RecordingFunction fn = new RecordingFunction();
        ServiceRegistration<VmFunction> reg = register(fn, 200, "recording");
        try (Vm vm = manager.createVm()) {
            assertFalse("the framework must not hold an idle function", frameworkUses(reg.getReference()));
            vm.addFunction(desc(200, 1));
            vm.addFunction(desc(200, 2));
            assertTrue(frameworkUses(reg.getReference()));
            vm.removeFunction(desc(200, 1));
            assertTrue("one instance still pins it", frameworkUses(reg.getReference()));
            vm.removeFunction(desc(200, 2));
            assertFalse("no instance, no pin", frameworkUses(reg.getReference()));
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void unregisteringAFunctionUnbindsItsInstancesFirst() throws Exception {
        VmManager manager = await(VmManager.class);
        RecordingFunction fn = new RecordingFunction();
        ServiceRegistration<VmFunction> reg = register(fn, 201, "recording");
        try (Vm vm = manager.createVm()) {
            vm.addFunction(desc(201, 7));
            vm.addFunction(desc(201, 8));
            reg.unregister();
            assertEquals(
                    List.of("bind [0, 0, 0, 7]", "bind [0, 0, 0, 8]", "unbind [0, 0, 0, 8]", "unbind [0, 0, 0, 7]"),
                    fn.calls);
            assertEquals(List.of(), vm.functions());
        }
    }

    @Test
    public void aSecondProviderOfATypeIsRefusedAndReported() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        ServiceRegistration<VmFunction> first = register(new RecordingFunction(), 202, "first");
        ServiceRegistration<VmFunction> second = register(new RecordingFunction(), 202, "second");
        try {
            FunctionTypeInfo info = admin.functionType(202).orElseThrow();
            assertEquals("first", info.provider().name());
            assertEquals(
                    List.of("second"),
                    info.refused().stream().map(p -> p.name()).toList());
            first.unregister();
            assertEquals(
                    "second", admin.functionType(202).orElseThrow().provider().name());
        } finally {
            second.unregister();
        }
    }

    @Test
    public void stoppingTheFrameworkBundleClosesItsVms() throws Exception {
        VmManager manager = await(VmManager.class);
        Vm vm = manager.createVm();
        installed(FRAMEWORK).stop();
        assertEquals(org.gunyah.vmm.api.VmState.CLOSED, vm.state());
        assertArrayEquals(new Object[0], manager.vms().toArray());
    }
}
