package org.gunyah.vmm.hypervisor.kvm.vm;

import java.util.BitSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.eventfd.EventFdPoller;
import org.gunyah.vmm.hypervisor.kvm.eventfd.KernelEventFd;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;

/**
 * The KVM backend: VM ids (1..{@link #MAX_VMS}, lowest free first, as Gunyah's RM gives them),
 * capability ids, and kernel eventfds, which every VM manager eventfd becomes while this is the
 * preferred backend (so KVM can take irqfds and ioeventfds in the kernel).
 */
public final class KvmHypervisor implements Hypervisor, AutoCloseable {
    public static final String NAME = "kvm";
    static final int MAX_VMS = 4096;

    private final KvmSystem system;
    private EventFdPoller poller;
    private boolean closed;
    private final BitSet ids = new BitSet();
    private final AtomicLong capIds = new AtomicLong(0x1000);

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
        int id;
        synchronized (ids) {
            id = ids.nextClearBit(1);
            if (id > MAX_VMS) {
                throw GunyahException.of(Errno.ENOSPC, "all %d KVM VM ids are in use", MAX_VMS);
            }
            ids.set(id);
        }
        try {
            return new KvmVm(id, this, system.createVm());
        } catch (GunyahException | RuntimeException e) {
            free(id);
            throw e;
        }
    }

    @Override
    public int allocatedVms() {
        synchronized (ids) {
            return ids.cardinality();
        }
    }

    @Override
    public Optional<EventFd> createEventFd(int number, long initval, int flags) throws GunyahException {
        return Optional.of(KernelEventFd.create(number, initval, flags, poller()));
    }

    long newCapId() {
        return capIds.getAndIncrement();
    }

    long vcpuMmapSize() {
        return system.vcpuMmapSize();
    }

    void release(KvmVm vm) {
        free(vm.vmid());
    }

    private void free(int id) {
        synchronized (ids) {
            ids.clear(id);
        }
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
