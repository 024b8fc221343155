package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;
import org.gunyah.vmm.managed.Devices;

/**
 * Gives the exits no function handled to the VM's device models (a null one is absent); everything
 * else reads as zero and is counted as unhandled.
 */
final class ExitRouter {
    private final Console console;
    private final LongConsumer exitRegister;
    private final List<MmioDevice> devices;
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

    ExitRouter(Console console, LongConsumer exitRegister) {
        this(console, exitRegister, List.of());
    }

    /** With {@code devices}, the device models that answer the exits in their own ranges. */
    ExitRouter(Console console, LongConsumer exitRegister, List<MmioDevice> devices) {
        this.console = console;
        this.exitRegister = exitRegister;
        this.devices = List.copyOf(devices);
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
                for (MmioDevice d : devices) {
                    if (d.covers(m.physAddr())) {
                        long offset = m.physAddr() - d.base();
                        if (m.isWrite()) {
                            d.write(offset, m.len(), m.data());
                        } else {
                            vcpu.setMmioData(d.read(offset, m.len()));
                        }
                        return;
                    }
                }
                boolean toConsole = console != null && Console.covers(m.physAddr());
                boolean toExit = exitRegister != null && m.physAddr() == Devices.EXIT_REGISTER;
                if (toConsole && m.isWrite()) {
                    console.write(m.physAddr(), m.data());
                } else if (toExit && m.isWrite()) {
                    exitRegister.accept(m.len() == 8 ? m.data() : m.data() & ((1L << (8 * m.len())) - 1));
                } else if (!toConsole && !toExit) {
                    unhandled.increment();
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
