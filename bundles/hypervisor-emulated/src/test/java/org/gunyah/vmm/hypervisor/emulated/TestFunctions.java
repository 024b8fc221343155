package org.gunyah.vmm.hypervisor.emulated;

import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.VmFunction;

/** Plain providers for function test doubles, counting their pins. */
public final class TestFunctions {
    private TestFunctions() {}

    public static final class Provider implements FunctionProvider {
        private final int type;
        private final VmFunction function;
        public final AtomicInteger pins = new AtomicInteger();

        public Provider(int type, VmFunction function) {
            this.type = type;
            this.function = function;
        }

        @Override
        public int type() {
            return type;
        }

        @Override
        public ProviderInfo info() {
            return new ProviderInfo("test-" + type, type, -1, "test", "0");
        }

        @Override
        public VmFunction acquire() {
            pins.incrementAndGet();
            return function;
        }

        @Override
        public void release() {
            pins.decrementAndGet();
        }
    }
}
