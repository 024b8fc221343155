package org.gunyah.vmm.vmm.internal;

import java.util.concurrent.atomic.LongAdder;

import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;

/** Gives the exits no function handled to the device models; everything else reads as zero. */
final class ExitRouter {
    private final Console console;
    private final LongAdder mmio = new LongAdder();
    private final LongAdder unhandled = new LongAdder();

    ExitRouter(Console console) {
        this.console = console;
    }

    void route(Vcpu vcpu, VcpuExit exit) {
        switch (exit) {
            case VcpuExit.Mmio m -> {
                mmio.increment();
                if (Console.covers(m.physAddr())) {
                    if (m.isWrite()) {
                        console.write(m.physAddr(), m.data());
                    } else {
                        vcpu.setMmioData(0);
                    }
                } else {
                    unhandled.increment();
                    if (!m.isWrite()) {
                        vcpu.setMmioData(0);
                    }
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
