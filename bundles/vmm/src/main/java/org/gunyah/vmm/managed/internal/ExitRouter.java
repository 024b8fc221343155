package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;

/**
 * Gives the exits no function handled to the doorbells the VMM answers, then to the device on the
 * VM's {@link DeviceBus} whose window holds the address; anything else reads as zero and is
 * counted as unhandled.
 */
final class ExitRouter {
    private final DeviceBus bus;
    private final LongAdder mmio = new LongAdder();
    private final LongAdder unhandled = new LongAdder();
    private final List<Doorbell> doorbells = new CopyOnWriteArrayList<>();

    /** A guest write the VMM answers itself when no ioeventfd took it; an empty {@code datamatch} takes any value. */
    record Doorbell(long addr, int len, OptionalLong datamatch, Runnable ring) {
        boolean matches(VcpuExit.Mmio m) {
            return m.isWrite()
                    && m.physAddr() == addr
                    && m.len() == len
                    && (datamatch.isEmpty() || datamatch.getAsLong() == m.data());
        }
    }

    ExitRouter(DeviceBus bus) {
        this.bus = bus;
    }

    /** Answers guest writes matching an ioeventfd that did not take them (see {@link org.gunyah.vmm.managed.Devices}). */
    void addDoorbell(Doorbell doorbell) {
        doorbells.add(doorbell);
    }

    void route(Vcpu vcpu, VcpuExit exit) {
        switch (exit) {
            case VcpuExit.Mmio m -> {
                mmio.increment();
                for (Doorbell d : doorbells) {
                    if (d.matches(m)) {
                        d.ring().run();
                        return;
                    }
                }
                DeviceBus.Window w = bus.find(m.physAddr());
                if (w == null) {
                    unhandled.increment();
                } else if (m.isWrite()) {
                    w.device().write(m.physAddr() - w.base(), m.len(), m.data());
                    return;
                } else {
                    vcpu.setMmioData(w.device().read(m.physAddr() - w.base(), m.len()));
                    return;
                }
                if (!m.isWrite()) {
                    vcpu.setMmioData(0);
                }
            }
            case VcpuExit.PortIo p -> unhandled.increment();
            case VcpuExit.Status s -> {
                // the loop ends on a status exit; nothing to route
            }
        }
    }

    long mmioExits() {
        return mmio.sum();
    }

    long unhandledExits() {
        return unhandled.sum();
    }
}
