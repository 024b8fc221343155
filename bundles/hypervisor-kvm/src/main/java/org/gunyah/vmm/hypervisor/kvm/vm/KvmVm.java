package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.eventfd.KernelEventFd;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.ResourceManagerVm;
import org.gunyah.vmm.spi.hypervisor.VmDescription;

/**
 * One KVM VM behind the resource manager's state machine ({@link ResourceManagerVm}): parcels are
 * memory slots, INIT creates a KVM vCPU per cpu node and a doorbell per doorbell node, and the
 * ioeventfd fast path is KVM_IOEVENTFD.
 */
final class KvmVm extends ResourceManagerVm {
    private static final Logger LOG = System.getLogger(KvmVm.class.getName());

    private final KvmHypervisor hypervisor;
    private final Fd vmFd;
    private final MemorySegment capture = Libc.newCapture();
    /** Parcel to memory slot, lowest free slot first so that slots never run out by churn. */
    private final Map<MemoryParcel, Integer> slots = new IdentityHashMap<>();

    private final BitSet usedSlots = new BitSet();

    KvmVm(int vmid, KvmHypervisor hypervisor, Fd vmFd) {
        super(vmid, hypervisor.ids());
        this.hypervisor = hypervisor;
        this.vmFd = vmFd;
    }

    @Override
    protected void mapParcel(MemoryParcel parcel) throws GunyahException {
        MemorySegment m = parcel.memory();
        if (!m.isNative() || (m.address() & (MemoryParcel.PAGE - 1)) != 0) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "parcel %d: KVM maps page-aligned native memory only (Arena.allocate(size, 4096))",
                    parcel.label());
        }
        int slot = usedSlots.nextClearBit(0);
        setRegion(slot, parcel.guestPhysAddr(), parcel.size(), m.address(), "parcel " + parcel.label());
        usedSlots.set(slot);
        slots.put(parcel, slot);
    }

    @Override
    protected void unmapParcel(MemoryParcel parcel) throws GunyahException {
        int slot = slots.get(parcel);
        setRegion(slot, parcel.guestPhysAddr(), 0, parcel.memory().address(), "reclaim of parcel " + parcel.label());
        slots.remove(parcel);
        usedSlots.clear(slot);
    }

    private void setRegion(int slot, long gpa, long size, long host, String what) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(KvmAbi.USERSPACE_MEMORY_REGION);
            r.set(JAVA_INT, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "slot"), slot);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "guest_phys_addr"), gpa);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "memory_size"), size);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "userspace_addr"), host);
            Libc.ioctl(vmFd.value(), KvmAbi.SET_USER_MEMORY_REGION, r, what + ": KVM_SET_USER_MEMORY_REGION");
        }
    }

    @Override
    protected List<HypervisorResource> createResources(
            VmDescription d, Collection<MemoryParcel> ram, long entry, long dtbAddress) throws GunyahException {
        for (VmDescription.Doorbell b : d.doorbells()) {
            if (b.spi() > KvmDoorbell.MAX_SPI) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "VM devicetree: doorbell %d uses SPI %d; KVM doorbells are SPIs 0..%d (IOAPIC pins %d..%d)",
                        b.label(),
                        b.spi(),
                        KvmDoorbell.MAX_SPI,
                        KvmDoorbell.FIRST_GSI,
                        KvmDoorbell.FIRST_GSI + KvmDoorbell.MAX_SPI);
            }
        }
        List<HypervisorResource> made = new ArrayList<>();
        try {
            for (int reg : d.cpus()) {
                made.add(new KvmVcpu(
                        this, vmFd, reg, hypervisor.ids().newCapId(), hypervisor.vcpuMmapSize(), entry, dtbAddress));
            }
            for (VmDescription.Doorbell b : d.doorbells()) {
                made.add(new KvmDoorbell(this, vmFd, b.label(), hypervisor.ids().newCapId(), b.spi()));
            }
            return made;
        } catch (GunyahException | RuntimeException e) {
            releaseResources(made);
            throw e;
        }
    }

    @Override
    protected void powerOff(List<HypervisorResource> resources) {
        for (HypervisorResource r : resources) {
            if (r instanceof KvmVcpu v) {
                v.powerOff();
            }
        }
    }

    @Override
    protected void releaseResources(List<HypervisorResource> resources) {
        for (HypervisorResource r : resources) {
            switch (r) {
                case KvmVcpu v -> v.close();
                case KvmDoorbell b -> b.close();
                default -> throw new IllegalStateException("not a KVM resource: " + r);
            }
        }
    }

    @Override
    protected void releaseVm() {
        vmFd.close();
    }

    /**
     * KVM_IOEVENTFD for an ioeventfd's handler: lengths 0 (any, without datamatch), 1, 2, 4 and 8
     * are KVM's; others stay on the exit path, as does an eventfd that is not a kernel one.
     */
    @Override
    public Optional<Registration> offloadIoHandler(IoHandler handler, EventFd target) throws GunyahException {
        int len = handler.length();
        if (!(target instanceof KernelEventFd k)
                || Integer.bitCount(len) > 1
                || len > 8
                || (len == 0 && handler.datamatch())) {
            return Optional.empty();
        }
        // our own fd for the eventfd: the deassign below must find it even after its owner closed it
        Fd kernelFd = k.duplicateKernelFd();
        synchronized (this) {
            try {
                if (isClosed()) {
                    kernelFd.close();
                    return Optional.empty();
                }
                ioeventfd(handler, kernelFd, 0);
            } catch (GunyahException | RuntimeException e) {
                kernelFd.close();
                throw e;
            }
        }
        return Optional.of(new Registration() {
            private boolean done;

            @Override
            public void close() {
                synchronized (KvmVm.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                    try {
                        // once the VM is closing its fd goes, and KVM drops the ioeventfds with it
                        if (!isClosed()) {
                            ioeventfd(handler, kernelFd, KvmAbi.IOEVENTFD_FLAG_DEASSIGN);
                        }
                    } catch (GunyahException e) {
                        LOG.log(
                                Level.WARNING,
                                "VM {0}: the ioeventfd at 0x{1} stays in KVM: {2}",
                                vmid(),
                                Long.toHexString(handler.address()),
                                e.getMessage());
                    } finally {
                        kernelFd.close();
                    }
                }
            }
        });
    }

    private void ioeventfd(IoHandler h, Fd kernelFd, int extraFlags) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmAbi.IOEVENTFD);
            s.set(JAVA_LONG, KvmAbi.offset(KvmAbi.IOEVENTFD, "datamatch"), h.datamatch() ? h.data() : 0);
            s.set(JAVA_LONG, KvmAbi.offset(KvmAbi.IOEVENTFD, "addr"), h.address());
            s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IOEVENTFD, "len"), h.length());
            s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IOEVENTFD, "fd"), kernelFd.value());
            s.set(
                    JAVA_INT,
                    KvmAbi.offset(KvmAbi.IOEVENTFD, "flags"),
                    (h.datamatch() ? KvmAbi.IOEVENTFD_FLAG_DATAMATCH : 0) | extraFlags);
            if (Libc.ioctl(capture, vmFd.value(), KvmAbi.IOEVENTFD_IOCTL, s) < 0) {
                throw Libc.error(Libc.errno(capture), String.format("KVM_IOEVENTFD at 0x%x", h.address()));
            }
        }
    }
}
