package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;

/**
 * The VMM's answers to guest doorbells: each ring of an ioeventfd signals the irqfd it names,
 * whether the ring arrives through the ioeventfd's eventfd or, while the ioeventfd is unbound, as
 * an MMIO exit. Also owns the eventfds made for a declared VM's functions.
 */
final class DoorbellResponders {
    private final ExitRouter router;
    private final VmCounters counters;
    private final List<EventFd.Subscription> subscriptions = new ArrayList<>();
    private final List<EventFd> eventFds = new ArrayList<>();

    DoorbellResponders(ExitRouter router, VmCounters counters) {
        this.router = router;
        this.counters = counters;
    }

    /** Closes {@code eventFd} with the VM, after the VM itself. */
    synchronized void adopt(EventFd eventFd) {
        eventFds.add(eventFd);
    }

    /**
     * Each time the guest rings {@code doorbell} (described by {@code arg}), its count is taken and
     * {@code irq} is signalled once. Runs in the ringing vCPU's thread or the eventfd's listener
     * thread, never blocking.
     */
    void respond(EventFd doorbell, EventFd irq, IoeventfdArg arg) {
        OptionalLong datamatch =
                (arg.flags() & IoeventfdArg.DATAMATCH) != 0 ? OptionalLong.of(arg.datamatch()) : OptionalLong.empty();
        router.addDoorbell(new ExitRouter.Doorbell(arg.addr(), arg.len(), datamatch, () -> {
            counters.doorbellExits.increment();
            counters.interruptsSent.increment();
            irq.signal(1);
        }));
        EventFd.Subscription s = doorbell.subscribe(() -> {
            try {
                long n = doorbell.read(Duration.ZERO).orElse(0);
                if (n > 0) {
                    counters.doorbellSignals.add(n);
                    counters.interruptsSent.increment();
                    irq.signal(1);
                }
            } catch (GunyahException e) {
                // EBADF: the eventfd closed under us as the VM went down; nothing to answer
            }
        });
        synchronized (this) {
            subscriptions.add(s);
        }
    }

    /** Stops answering: before the VM closes, so that no answer races the teardown. */
    void unsubscribe() {
        List<EventFd.Subscription> all;
        synchronized (this) {
            all = List.copyOf(subscriptions);
        }
        all.forEach(EventFd.Subscription::close);
    }

    /** Closes the adopted eventfds: after the VM, which unbound the functions using them. */
    void closeEventFds() {
        List<EventFd> all;
        synchronized (this) {
            all = List.copyOf(eventFds);
        }
        all.forEach(EventFd::close);
    }
}
