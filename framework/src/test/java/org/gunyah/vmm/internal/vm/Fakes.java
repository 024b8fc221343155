package org.gunyah.vmm.internal.vm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VmFunction;

/** Test doubles for the function side: a provider that counts pins and a scriptable function. */
final class Fakes {
    private Fakes() {}

    static final class Provider implements FunctionProvider {
        final int type;
        final String name;
        final VmFunction function;
        final AtomicInteger pins = new AtomicInteger();

        Provider(int type, String name, VmFunction function) {
            this.type = type;
            this.name = name;
            this.function = function;
        }

        @Override
        public int type() {
            return type;
        }

        @Override
        public ProviderInfo info() {
            return new ProviderInfo(name, type, 1, "test." + name, "1.0.0");
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

    /** A ticket that records what it was offered and takes it when {@code accept}. */
    static final class Ticket implements ResourceTicket {
        final ResourceType type;
        final int label;
        final boolean accept;
        final List<Resource> held = new CopyOnWriteArrayList<>();
        final List<String> events = new CopyOnWriteArrayList<>();

        Ticket(ResourceType type, int label, boolean accept) {
            this.type = type;
            this.label = label;
            this.accept = accept;
        }

        @Override
        public ResourceType resourceType() {
            return type;
        }

        @Override
        public int label() {
            return label;
        }

        @Override
        public boolean populate(Resource resource) {
            events.add("populate " + resource.label());
            if (accept) {
                held.add(resource);
            }
            return accept;
        }

        @Override
        public void unpopulate(Resource resource) {
            events.add("unpopulate " + resource.label());
            held.remove(resource);
        }
    }

    /**
     * A function whose instances are named by their argument bytes. Bind claims a VCPU ticket
     * labelled by the first argument byte when {@code claimTicket}, and fails afterwards when
     * {@code failBind} is set.
     */
    static final class Function implements VmFunction {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Ticket> tickets = new ArrayList<>();
        boolean claimTicket;
        GunyahException failBind;
        RuntimeException crashBind;
        boolean crashCompare;
        boolean forgetTicketOnUnbind;
        /** Runs inside bind, after the ticket is claimed: where a test makes bind slow. */
        volatile Runnable duringBind = () -> {};

        @Override
        public Object bind(FunctionInstance instance) throws GunyahException {
            calls.add("bind " + Arrays.toString(instance.arg()));
            if (claimTicket) {
                Ticket t = new Ticket(ResourceType.VCPU, instance.arg()[0], true);
                instance.vm().addResourceTicket(t);
                instance.setData(t);
                tickets.add(t);
            }
            duringBind.run();
            if (failBind != null) {
                throw failBind;
            }
            if (crashBind != null) {
                throw crashBind;
            }
            return "handle " + Arrays.toString(instance.arg());
        }

        @Override
        public void unbind(FunctionInstance instance) {
            calls.add("unbind " + Arrays.toString(instance.arg()));
            if (instance.data() instanceof Ticket t && !forgetTicketOnUnbind) {
                instance.vm().removeResourceTicket(t);
            }
        }

        @Override
        public boolean compare(FunctionInstance instance, byte[] arg) {
            if (crashCompare) {
                throw new IllegalStateException("compare is broken");
            }
            return Arrays.equals(instance.arg(), arg);
        }
    }
}
