package org.gunyah.vmm.internal.vm;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;

/**
 * The IO handlers of one VM that its hypervisor matches itself (KVM_IOEVENTFD). A handler is
 * offered when it is added to a VM whose hypervisor VM exists, or when the hypervisor VM comes into
 * being; it is withdrawn when removed, and all are withdrawn before the hypervisor VM is reset.
 * Offloading is best effort: a handler the backend declines is dispatched from exits as always.
 */
final class IoOffloads {
    private static final Logger LOG = System.getLogger(IoOffloads.class.getName());

    private final Map<IoHandler, Registration> offloaded = new IdentityHashMap<>();
    private HypervisorVm hypervisorVm;

    synchronized void attach(HypervisorVm hv, List<IoHandler> handlers) {
        hypervisorVm = hv;
        handlers.forEach(this::offer);
    }

    synchronized void added(IoHandler h) {
        if (hypervisorVm != null) {
            offer(h);
        }
    }

    void removed(IoHandler h) {
        Registration r;
        synchronized (this) {
            r = offloaded.remove(h);
        }
        if (r != null) {
            r.close();
        }
    }

    /** Withdraws every offload; the hypervisor VM is about to go. */
    void detach() {
        List<Registration> left;
        synchronized (this) {
            hypervisorVm = null;
            left = new ArrayList<>(offloaded.values());
            offloaded.clear();
        }
        left.forEach(Registration::close);
    }

    synchronized int size() {
        return offloaded.size();
    }

    private void offer(IoHandler h) {
        Optional<EventFd> target = h.eventFd();
        if (target.isEmpty() || offloaded.containsKey(h)) {
            return;
        }
        try {
            hypervisorVm.offloadIoHandler(h, target.get()).ifPresent(r -> offloaded.put(h, r));
        } catch (GunyahException | RuntimeException e) {
            LOG.log(
                    Level.DEBUG,
                    "IO handler at 0x{0} stays on the exit path: {1}",
                    Long.toHexString(h.address()),
                    e.getMessage());
        }
    }
}
