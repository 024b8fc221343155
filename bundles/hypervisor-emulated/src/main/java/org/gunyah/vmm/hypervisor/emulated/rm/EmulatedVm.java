package org.gunyah.vmm.hypervisor.emulated.rm;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.hypervisor.emulated.cpu.GuestMemory;
import org.gunyah.vmm.hypervisor.emulated.platform.EmulatedDoorbell;
import org.gunyah.vmm.hypervisor.emulated.platform.Gic;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.MemoryParcel;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;
import org.gunyah.vmm.spi.hypervisor.VmDescription;

/**
 * One VM at the emulated resource manager. Its state follows the RM's machine (LOAD, READY or
 * INIT_FAILED, RUNNING, EXITED, RESET); notifications go to the listener synchronously, from the
 * thread that caused them (a vCPU thread for a guest exit).
 */
public final class EmulatedVm implements HypervisorVm {
    /** The largest DTB the RM will read. */
    static final long MAX_DTB = 1 << 20;

    private final int vmid;
    private final ResourceManager rm;
    private final Map<Integer, MemoryParcel> parcels = new LinkedHashMap<>();
    private int nextHandle = 1;
    private int imageHandle = -1;
    private long imageOffset;
    private long dtbOffset;
    private long dtbSize;
    private volatile RmVmState state = RmVmState.LOAD;
    private volatile RmListener listener;
    private Gic gic;
    private List<EmulatedVcpu> vcpus = List.of();
    private List<HypervisorResource> resources = List.of();
    private boolean closed;

    EmulatedVm(int vmid, ResourceManager rm) {
        this.vmid = vmid;
        this.rm = rm;
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
        parcel.checkShareable(parcels.values());
        int handle = nextHandle++;
        parcels.put(handle, parcel);
        return handle;
    }

    @Override
    public synchronized void reclaim(int memHandle) throws GunyahException {
        if (state == RmVmState.RUNNING) {
            throw GunyahException.of(Errno.EBUSY, "parcel %d: cannot reclaim memory from a running VM", memHandle);
        }
        if (parcels.remove(memHandle) == null) {
            throw GunyahException.of(Errno.EINVAL, "no parcel with handle %d", memHandle);
        }
    }

    @Override
    public synchronized void configure(int memHandle, long imageOffset, long dtbOffset, long dtbSize) throws GunyahException {
        requireState("configure", RmVmState.LOAD);
        MemoryParcel p = parcels.get(memHandle);
        if (p == null) {
            throw GunyahException.of(Errno.EINVAL, "no parcel with handle %d", memHandle);
        }
        p.checkImage(memHandle, imageOffset, dtbOffset, dtbSize);
        this.imageHandle = memHandle;
        this.imageOffset = imageOffset;
        this.dtbOffset = dtbOffset;
        this.dtbSize = dtbSize;
    }

    @Override
    public synchronized void init() throws GunyahException {
        requireState("init", RmVmState.LOAD);
        try {
            if (imageHandle < 0) {
                throw GunyahException.of(Errno.EINVAL, "VM %d was not configured", vmid);
            }
            MemoryParcel image = parcels.get(imageHandle);
            long length = Math.min(dtbSize, MAX_DTB);
            MemorySegment dtb = image.memory().asSlice(dtbOffset, length);
            VmDescription description = VmDescription.from(Fdt.decode(dtb.asByteBuffer().order(ByteOrder.BIG_ENDIAN)));
            build(description, image.guestPhysAddr() + imageOffset, image.guestPhysAddr() + dtbOffset);
            state = RmVmState.READY;
        } catch (GunyahException e) {
            state = RmVmState.INIT_FAILED;
            throw e;
        }
    }

    private void build(VmDescription d, long entry, long dtbAddress) {
        List<GuestMemory.Region> ram = new ArrayList<>();
        parcels.values().forEach(p -> ram.add(new GuestMemory.Region(p.guestPhysAddr(), p.memory())));
        GuestMemory memory = new GuestMemory(ram);
        gic = new Gic(d.cpus().size());
        List<HypervisorResource> out = new ArrayList<>();
        List<EmulatedVcpu> cpus = new ArrayList<>();
        for (int i = 0; i < d.cpus().size(); i++) {
            EmulatedVcpu v = new EmulatedVcpu(this, i, d.cpus().get(i), rm.newCapId(), memory, gic, entry, dtbAddress);
            cpus.add(v);
            out.add(v);
        }
        for (VmDescription.Doorbell b : d.doorbells()) {
            int intid = Gic.FIRST_SPI + b.spi();
            gic.declare(intid, b.targetCpu());
            out.add(new EmulatedDoorbell(b.label(), rm.newCapId(), intid, gic, this::isRunning));
        }
        vcpus = List.copyOf(cpus);
        resources = List.copyOf(out);
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
        synchronized (this) {
            if (state == RmVmState.RUNNING) {
                throw GunyahException.of(Errno.EBUSY, "VM %d must be stopped before reset", vmid);
            }
            state = RmVmState.RESETTING;
            vcpus.forEach(EmulatedVcpu::powerOff);
            vcpus = List.of();
            resources = List.of();
            gic = null;
            state = RmVmState.RESET;
        }
        notifyStatus(RmVmState.RESET);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            vcpus.forEach(EmulatedVcpu::powerOff);
            parcels.clear();
        }
        rm.release(this);
    }

    boolean isRunning() {
        return state == RmVmState.RUNNING;
    }

    /** The guest exited (hypercall or force stop): EXITED, vCPUs off, then the notification. */
    void exit(ExitInfo info) {
        if (!leaveRunning()) {
            return;
        }
        RmListener l = listener;
        if (l != null) {
            l.exited(info);
        }
    }

    /** A vCPU met an instruction it cannot run: the VM is down, and says why. */
    void crash(String reason) {
        if (!leaveRunning()) {
            return;
        }
        RmListener l = listener;
        if (l != null) {
            l.crashed(reason);
        }
    }

    private boolean leaveRunning() {
        List<EmulatedVcpu> toStop;
        synchronized (this) {
            if (state != RmVmState.RUNNING) {
                return false;
            }
            state = RmVmState.EXITED;
            toStop = vcpus;
        }
        toStop.forEach(EmulatedVcpu::powerOff);
        return true;
    }

    private void notifyStatus(RmVmState s) {
        RmListener l = listener;
        if (l != null) {
            l.status(s);
        }
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
    public synchronized int parcelCount() {
        return parcels.size();
    }

    Gic gic() {
        return gic;
    }
}
