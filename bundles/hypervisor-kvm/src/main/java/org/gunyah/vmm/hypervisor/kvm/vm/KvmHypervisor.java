package org.gunyah.vmm.hypervisor.kvm.vm;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.eventfd.EventFdPoller;
import org.gunyah.vmm.hypervisor.kvm.eventfd.KernelEventFd;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.ResourceIds;

/**
 * The KVM backend: VMs with the resource manager's ids, and kernel eventfds, which every VM manager eventfd becomes while this is the
 * preferred backend (so KVM can take irqfds and ioeventfds in the kernel).
 */
public final class KvmHypervisor implements Hypervisor, AutoCloseable {
    public static final String NAME = "kvm";

    private final KvmSystem system;
    private EventFdPoller poller;
    private boolean closed;
    private final ResourceIds ids = new ResourceIds();

    public KvmHypervisor(KvmSystem system) {
        this.system = system;
    }

    /** Opens and checks /dev/kvm; the exception says why KVM cannot be used. */
    public static KvmHypervisor open() throws GunyahException {
        return new KvmHypervisor(KvmSystem.open());
    }

    /** The eventfd poller, started with the first eventfd (not at boot: nothing needs it then). */
    private synchronized EventFdPoller poller() throws GunyahException {
        if (closed) {
            throw GunyahException.of(org.gunyah.vmm.api.Errno.ENODEV, "the KVM backend has stopped");
        }
        if (poller == null) {
            poller = new EventFdPoller();
        }
        return poller;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public HypervisorVm allocateVm() throws GunyahException {
        int id = ids.allocateVmid();
        try {
            return new KvmVm(id, this, system.createVm());
        } catch (GunyahException | RuntimeException e) {
            ids.releaseVmid(id);
            throw e;
        }
    }

    @Override
    public int allocatedVms() {
        return ids.allocatedVmids();
    }

    @Override
    public Optional<EventFd> createEventFd(int number, long initval, int flags) throws GunyahException {
        return Optional.of(KernelEventFd.create(number, initval, flags, poller()));
    }

    ResourceIds ids() {
        return ids;
    }

    long vcpuMmapSize() {
        return system.vcpuMmapSize();
    }

    @Override
    public void close() {
        EventFdPoller p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = poller;
        }
        if (p != null) {
            p.close();
        }
        system.close();
    }
}
