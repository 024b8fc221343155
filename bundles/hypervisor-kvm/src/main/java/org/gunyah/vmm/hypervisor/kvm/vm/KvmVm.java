package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.hypervisor.kvm.eventfd.KernelEventFd;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.hypervisor.kvm.linux.Libc;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.gunyah.vmm.spi.hypervisor.VmDescription;

/**
 * One KVM VM behind the resource manager's state machine (LOAD, READY or INIT_FAILED, RUNNING,
 * EXITED, RESET), like the emulated backend's: parcels are memory slots, INIT reads the VM's
 * devicetree and creates a vCPU per cpu node and a doorbell per doorbell node. Notifications go
 * to the listener from the thread that caused them.
 */
final class KvmVm implements HypervisorVm {
    static final long MAX_DTB = 1 << 20;

    private record Slot(int slot, MemoryParcel parcel) {
    }

    private final int vmid;
    private final KvmHypervisor hypervisor;
    private final int vmFd;
    private final Map<Integer, Slot> parcels = new LinkedHashMap<>();
    private final MemorySegment capture = Libc.newCapture();
    private int imageHandle = -1;
    private long imageOffset;
    private long dtbOffset;
    private long dtbSize;
    private volatile RmVmState state = RmVmState.LOAD;
    private volatile RmListener listener;
    private List<KvmVcpu> vcpus = List.of();
    private List<KvmDoorbell> doorbells = List.of();
    private List<HypervisorResource> resources = List.of();
    private boolean closed;

    KvmVm(int vmid, KvmHypervisor hypervisor, int vmFd) {
        this.vmid = vmid;
        this.hypervisor = hypervisor;
        this.vmFd = vmFd;
    }

    @Override
    public int vmid() {
        return vmid;
    }

    @Override
    public RmVmState state() {
        return state;
    }

    @Override
    public void setListener(RmListener listener) {
        this.listener = listener;
    }

    @Override
    public synchronized int share(MemoryParcel parcel) throws GunyahException {
        requireState("share memory", RmVmState.LOAD);
        MemorySegment m = parcel.memory();
        parcel.checkShareable(parcels.values().stream().map(Slot::parcel).toList());
        if (!m.isNative() || (m.address() & (MemoryParcel.PAGE - 1)) != 0) {
            throw GunyahException.of(Errno.EINVAL, "parcel %d: KVM maps page-aligned native memory only (Arena.allocate(size, 4096))", parcel.label());
        }
        int slot = 0;
        for (Slot s : parcels.values()) {
            slot = Math.max(slot, s.slot() + 1);
        }
        setRegion(slot, parcel.guestPhysAddr(), parcel.size(), m.address(), "parcel " + parcel.label());
        parcels.put(slot + 1, new Slot(slot, parcel));
        return slot + 1;
    }

    private void setRegion(int slot, long gpa, long size, long host, String what) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(KvmAbi.USERSPACE_MEMORY_REGION);
            r.set(JAVA_INT, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "slot"), slot);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "guest_phys_addr"), gpa);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "memory_size"), size);
            r.set(JAVA_LONG, KvmAbi.offset(KvmAbi.USERSPACE_MEMORY_REGION, "userspace_addr"), host);
            Libc.ioctl(vmFd, KvmAbi.SET_USER_MEMORY_REGION, r, what + ": KVM_SET_USER_MEMORY_REGION");
        }
    }

    @Override
    public synchronized void reclaim(int memHandle) throws GunyahException {
        if (state == RmVmState.RUNNING) {
            throw GunyahException.of(Errno.EBUSY, "parcel %d: cannot reclaim memory from a running VM", memHandle);
        }
        Slot s = parcels.get(memHandle);
        if (s == null) {
            throw GunyahException.of(Errno.EINVAL, "no parcel with handle %d", memHandle);
        }
        if (!closed) {
            setRegion(s.slot(), s.parcel().guestPhysAddr(), 0, s.parcel().memory().address(), "reclaim of parcel " + s.parcel().label());
        }
        parcels.remove(memHandle);
    }

    @Override
    public synchronized void configure(int memHandle, long imageOffset, long dtbOffset, long dtbSize) throws GunyahException {
        requireState("configure", RmVmState.LOAD);
        Slot s = parcels.get(memHandle);
        if (s == null) {
            throw GunyahException.of(Errno.EINVAL, "no parcel with handle %d", memHandle);
        }
        s.parcel().checkImage(memHandle, imageOffset, dtbOffset, dtbSize);
        this.imageHandle = memHandle;
        this.imageOffset = imageOffset;
        this.dtbOffset = dtbOffset;
        this.dtbSize = dtbSize;
    }

    @Override
    public synchronized void init() throws GunyahException {
        requireState("init", RmVmState.LOAD);
        List<KvmVcpu> cpus = new ArrayList<>();
        List<KvmDoorbell> bells = new ArrayList<>();
        try {
            if (imageHandle < 0) {
                throw GunyahException.of(Errno.EINVAL, "VM %d was not configured", vmid);
            }
            MemoryParcel image = parcels.get(imageHandle).parcel();
            MemorySegment dtb = image.memory().asSlice(dtbOffset, Math.min(dtbSize, MAX_DTB));
            VmDescription d = VmDescription.from(Fdt.decode(dtb.asByteBuffer().order(ByteOrder.BIG_ENDIAN)));
            for (VmDescription.Doorbell b : d.doorbells()) {
                if (b.spi() > KvmDoorbell.MAX_SPI) {
                    throw GunyahException.of(Errno.EINVAL, "VM devicetree: doorbell %d uses SPI %d; KVM doorbells are SPIs 0..%d (IOAPIC pins %d..%d)",
                            b.label(), b.spi(), KvmDoorbell.MAX_SPI, KvmDoorbell.FIRST_GSI, KvmDoorbell.FIRST_GSI + KvmDoorbell.MAX_SPI);
                }
            }
            long entry = image.guestPhysAddr() + imageOffset;
            long dtbAddress = image.guestPhysAddr() + dtbOffset;
            for (int reg : d.cpus()) {
                cpus.add(new KvmVcpu(this, vmFd, reg, hypervisor.newCapId(), hypervisor.vcpuMmapSize(), entry, dtbAddress));
            }
            for (VmDescription.Doorbell b : d.doorbells()) {
                bells.add(new KvmDoorbell(this, vmFd, b.label(), hypervisor.newCapId(), b.spi()));
            }
        } catch (GunyahException | RuntimeException e) {
            cpus.forEach(KvmVcpu::close);
            bells.forEach(KvmDoorbell::close);
            state = RmVmState.INIT_FAILED;
            throw e;
        }
        vcpus = List.copyOf(cpus);
        doorbells = List.copyOf(bells);
        List<HypervisorResource> out = new ArrayList<>(cpus);
        out.addAll(bells);
        resources = List.copyOf(out);
        state = RmVmState.READY;
    }

    @Override
    public synchronized List<HypervisorResource> resources() throws GunyahException {
        if (state != RmVmState.READY && state != RmVmState.RUNNING) {
            throw GunyahException.of(Errno.EINVAL, "VM %d has no resources in state %s", vmid, state);
        }
        return resources;
    }

    @Override
    public synchronized void start() throws GunyahException {
        requireState("start", RmVmState.READY);
        state = RmVmState.RUNNING;
    }

    @Override
    public void stop() throws GunyahException {
        synchronized (this) {
            if (state != RmVmState.RUNNING) {
                throw GunyahException.of(Errno.EINVAL, "VM %d is not running (%s)", vmid, state);
            }
        }
        exit(ExitInfo.withCode(ExitInfo.VM_FORCE_STOPPED, 0));
    }

    @Override
    public void reset() throws GunyahException {
        List<KvmVcpu> cpus;
        List<KvmDoorbell> bells;
        synchronized (this) {
            if (state == RmVmState.RUNNING) {
                throw GunyahException.of(Errno.EBUSY, "VM %d must be stopped before reset", vmid);
            }
            state = RmVmState.RESETTING;
            cpus = vcpus;
            bells = doorbells;
            vcpus = List.of();
            doorbells = List.of();
            resources = List.of();
        }
        cpus.forEach(KvmVcpu::close);
        bells.forEach(KvmDoorbell::close);
        synchronized (this) {
            state = RmVmState.RESET;
        }
        RmListener l = listener;
        if (l != null) {
            l.status(RmVmState.RESET);
        }
    }

    /**
     * KVM_IOEVENTFD for an ioeventfd's handler: lengths 0 (any, without datamatch), 1, 2, 4 and 8
     * are KVM's; others stay on the exit path, as does an eventfd that is not a kernel one.
     */
    @Override
    public Optional<Registration> offloadIoHandler(IoHandler handler, EventFd target) throws GunyahException {
        int len = handler.length();
        if (!(target instanceof KernelEventFd k) || Integer.bitCount(len) > 1 || len > 8 || (len == 0 && handler.datamatch())) {
            return Optional.empty();
        }
        // our own fd for the eventfd: the deassign below must find it even after its owner closed it
        int kernelFd = k.duplicateKernelFd();
        synchronized (this) {
            try {
                if (closed) {
                    Libc.close(kernelFd);
                    return Optional.empty();
                }
                ioeventfd(handler, kernelFd, 0);
            } catch (GunyahException | RuntimeException e) {
                Libc.close(kernelFd);
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
                        if (!closed) {
                            ioeventfd(handler, kernelFd, KvmAbi.IOEVENTFD_FLAG_DEASSIGN);
                        }
                    } catch (GunyahException e) {
                        // the VM's fd is going: KVM drops its ioeventfds with it
                    } finally {
                        Libc.close(kernelFd);
                    }
                }
            }
        });
    }

    private void ioeventfd(IoHandler h, int kernelFd, int extraFlags) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment s = a.allocate(KvmAbi.IOEVENTFD);
            s.set(JAVA_LONG, KvmAbi.offset(KvmAbi.IOEVENTFD, "datamatch"), h.datamatch() ? h.data() : 0);
            s.set(JAVA_LONG, KvmAbi.offset(KvmAbi.IOEVENTFD, "addr"), h.address());
            s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IOEVENTFD, "len"), h.length());
            s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IOEVENTFD, "fd"), kernelFd);
            s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IOEVENTFD, "flags"), (h.datamatch() ? KvmAbi.IOEVENTFD_FLAG_DATAMATCH : 0) | extraFlags);
            if (Libc.ioctl(capture, vmFd, KvmAbi.IOEVENTFD_IOCTL, s) < 0) {
                throw Libc.error(Libc.errno(capture), String.format("KVM_IOEVENTFD at 0x%x", h.address()));
            }
        }
    }

    @Override
    public void close() {
        List<KvmVcpu> cpus;
        List<KvmDoorbell> bells;
        synchronized (this) {
            if (closed) {
                return;
            }
            cpus = vcpus;
            bells = doorbells;
            vcpus = List.of();
            doorbells = List.of();
        }
        cpus.forEach(KvmVcpu::close);
        bells.forEach(KvmDoorbell::close);
        synchronized (this) {
            closed = true;
            parcels.clear();
            Libc.close(vmFd);
        }
        hypervisor.release(this);
    }

    boolean isRunning() {
        return state == RmVmState.RUNNING;
    }

    /** The guest exited (its exit call or a force stop): EXITED, vCPUs off, then the notification. */
    void exit(ExitInfo info) {
        if (leaveRunning()) {
            RmListener l = listener;
            if (l != null) {
                l.exited(info);
            }
        }
    }

    /** A vCPU met something KVM cannot run: the VM is down, and says why. */
    void crash(String reason) {
        if (leaveRunning()) {
            RmListener l = listener;
            if (l != null) {
                l.crashed(reason);
            }
        }
    }

    private boolean leaveRunning() {
        List<KvmVcpu> toStop;
        synchronized (this) {
            if (state != RmVmState.RUNNING) {
                return false;
            }
            state = RmVmState.EXITED;
            toStop = vcpus;
        }
        toStop.forEach(KvmVcpu::powerOff);
        return true;
    }

    private void requireState(String what, RmVmState expected) throws GunyahException {
        if (closed) {
            throw GunyahException.of(Errno.EINVAL, "VM id %d was released", vmid);
        }
        if (state != expected) {
            throw GunyahException.of(Errno.EINVAL, "cannot %s VM %d in state %s", what, vmid, state);
        }
    }

    /** Live parcels, for leak checks. */
    synchronized int parcelCount() {
        return parcels.size();
    }
}
