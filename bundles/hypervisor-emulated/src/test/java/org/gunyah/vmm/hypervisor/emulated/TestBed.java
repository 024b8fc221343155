package org.gunyah.vmm.hypervisor.emulated;

import java.lang.foreign.Arena;
import java.time.Duration;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.VmContext;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;

/**
 * The VM manager core on the emulated backend (or another one given), without OSGi: what the function bundles' tests run
 * their functions on. Closing it closes every VM and frees the guest memory.
 */
public final class TestBed implements AutoCloseable {
    /** A function type no real bundle uses: it only hands tests the VM as functions see it. */
    public static final int CONTEXT_PROBE = 0x7fff_0000;

    public final Arena arena = Arena.ofShared();
    public final EmulatedHypervisor hypervisor = new EmulatedHypervisor();
    public final VmManagerCore manager = new VmManagerCore(Duration.ofSeconds(2));

    private final Hypervisor backend;

    public TestBed() {
        this(null);
    }

    /**
     * A bed whose VMs run on {@code backend}, registered above the emulated one, so that it also
     * makes the eventfds (a native backend's kernel eventfds); null for the emulated backend.
     */
    public TestBed(Hypervisor backend) {
        manager.addHypervisor(hypervisor, 0, 1);
        if (backend != null) {
            manager.addHypervisor(backend, 10, 2);
        }
        this.backend = backend == null ? hypervisor : backend;
        manager.registry().add(new TestFunctions.Provider(CONTEXT_PROBE, new ContextProbe()));
    }

    /** Registers {@code function} as the provider of {@code type}; the provider counts pins. */
    public TestFunctions.Provider provide(int type, VmFunction function) {
        TestFunctions.Provider p = new TestFunctions.Provider(type, function);
        manager.registry().add(p);
        return p;
    }

    public Vm vm() throws GunyahException {
        return manager.createVm(backend.name());
    }

    /** The VM as a function instance sees it (to dispatch MMIO writes, look up eventfds, ...). */
    public VmContext context(Vm vm) throws GunyahException {
        return vm.addFunction(new FunctionDesc(
                        CONTEXT_PROBE, new byte[] {(byte) vm.functions().size()}))
                .as(VmContext.class);
    }

    @Override
    public void close() {
        manager.closeAll();
        arena.close();
    }

    private static final class ContextProbe implements VmFunction {
        @Override
        public Object bind(FunctionInstance instance) {
            return instance.vm();
        }

        @Override
        public void unbind(FunctionInstance instance) {}

        @Override
        public boolean compare(FunctionInstance instance, byte[] arg) {
            return java.util.Arrays.equals(instance.arg(), arg);
        }
    }
}
