package org.gunyah.vmm.spi.hypervisor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.Fdt;

/**
 * The resource manager's state machine for one VM, which every backend shares: LOAD, then READY or
 * INIT_FAILED, RUNNING, EXITED, RESETTING, RESET. It keeps the parcels and the image configuration,
 * checks every call against the state with the RM's errnos, reads the devicetree at INIT, and
 * notifies the {@link RmListener}; a backend fills in the hooks for what only it can do (map
 * memory, create vCPUs and doorbells, stop and release them).
 *
 * <p>Locking: the VM's monitor guards the state. {@link #mapParcel}, {@link #unmapParcel} and
 * {@link #createResources} run holding it; {@link #powerOff}, {@link #releaseResources} and
 * {@link #releaseVm} run without it, since stopping a vCPU may wait for a run that is itself
 * leaving RUNNING through {@link #guestExited}. Listener calls are made without it too, from the
 * thread that caused them (a vCPU thread for a guest exit).
 */
public abstract class ResourceManagerVm implements HypervisorVm {
    /** The largest devicetree the RM reads; a larger DTB size is read up to this. */
    public static final long MAX_DTB = 1 << 20;

    /** Where VM_CONFIG_IMAGE put the image and its devicetree, by parcel handle and offsets. */
    private record ImageConfig(int memHandle, long imageOffset, long dtbOffset, long dtbSize) {}

    private final int vmid;
    private final ResourceIds ids;
    private final Map<Integer, MemoryParcel> parcels = new LinkedHashMap<>();
    private int nextHandle = 1;
    private ImageConfig image;
    private volatile RmVmState state = RmVmState.LOAD;
    private volatile RmListener listener;
    private List<HypervisorResource> resources = List.of();
    private boolean closed;

    /** A VM holding {@code vmid} from {@code ids}; {@link #close} gives it back. */
    protected ResourceManagerVm(int vmid, ResourceIds ids) {
        this.vmid = vmid;
        this.ids = ids;
    }

    /**
     * Maps a parcel into the guest (MEM_SHARE), after the common checks passed. A failure changes
     * nothing: the parcel is not shared.
     */
    protected void mapParcel(MemoryParcel parcel) throws GunyahException {}

    /** Unmaps a parcel (MEM_RECLAIM), never while RUNNING and never after {@link #close}. */
    protected void unmapParcel(MemoryParcel parcel) throws GunyahException {}

    /**
     * VM_INIT's work: the vCPUs and doorbells {@code description} declares, each vCPU to start at
     * {@code entry} with the devicetree's guest address. On failure release whatever was made and
     * throw; the VM becomes INIT_FAILED.
     */
    protected abstract List<HypervisorResource> createResources(
            VmDescription description, Collection<MemoryParcel> ram, long entry, long dtbAddress)
            throws GunyahException;

    /** The guest left RUNNING: every vCPU of {@code resources} stops and its runner returns soon. */
    protected abstract void powerOff(List<HypervisorResource> resources);

    /** VM_RESET or close: the resources go for good (a vCPU still running is powered off first). */
    protected abstract void releaseResources(List<HypervisorResource> resources);

    /** Close, after the resources: whatever the backend holds for the VM itself. */
    protected void releaseVm() {}

    @Override
    public final int vmid() {
        return vmid;
    }

    @Override
    public final RmVmState state() {
        return state;
    }

    public final boolean isRunning() {
        return state == RmVmState.RUNNING;
    }

    /** Whether {@link #close} has begun: the backend's fast paths stop registering. */
    protected final synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public final void setListener(RmListener listener) {
        this.listener = listener;
    }

    @Override
    public final synchronized int share(MemoryParcel parcel) throws GunyahException {
        requireState("share memory", RmVmState.LOAD);
        parcel.checkShareable(parcels.values());
        mapParcel(parcel);
        int handle = nextHandle++;
        parcels.put(handle, parcel);
        return handle;
    }

    @Override
    public final synchronized void reclaim(int memHandle) throws GunyahException {
        if (state == RmVmState.RUNNING) {
            throw GunyahException.of(Errno.EBUSY, "parcel %d: cannot reclaim memory from a running VM", memHandle);
        }
        MemoryParcel p = parcel(memHandle);
        if (!closed) {
            unmapParcel(p);
        }
        parcels.remove(memHandle);
    }

    @Override
    public final synchronized void configure(int memHandle, long imageOffset, long dtbOffset, long dtbSize)
            throws GunyahException {
        requireState("configure", RmVmState.LOAD);
        parcel(memHandle).checkImage(memHandle, imageOffset, dtbOffset, dtbSize);
        image = new ImageConfig(memHandle, imageOffset, dtbOffset, dtbSize);
    }

    @Override
    public final synchronized void init() throws GunyahException {
        requireState("init", RmVmState.LOAD);
        try {
            if (image == null) {
                throw GunyahException.of(Errno.EINVAL, "VM %d was not configured", vmid);
            }
            MemoryParcel p = parcels.get(image.memHandle());
            if (p == null) {
                throw GunyahException.of(
                        Errno.EINVAL, "VM %d: its image parcel %d was reclaimed", vmid, image.memHandle());
            }
            MemorySegment dtb = p.memory().asSlice(image.dtbOffset(), Math.min(image.dtbSize(), MAX_DTB));
            VmDescription description =
                    VmDescription.from(Fdt.decode(dtb.asByteBuffer().order(ByteOrder.BIG_ENDIAN)));
            resources = List.copyOf(createResources(
                    description,
                    List.copyOf(parcels.values()),
                    p.guestPhysAddr() + image.imageOffset(),
                    p.guestPhysAddr() + image.dtbOffset()));
            state = RmVmState.READY;
        } catch (GunyahException | RuntimeException e) {
            state = RmVmState.INIT_FAILED;
            throw e;
        }
    }

    @Override
    public final synchronized List<HypervisorResource> resources() throws GunyahException {
        if (state != RmVmState.READY && state != RmVmState.RUNNING) {
            throw GunyahException.of(Errno.EINVAL, "VM %d has no resources in state %s", vmid, state);
        }
        return resources;
    }

    @Override
    public final synchronized void start() throws GunyahException {
        requireState("start", RmVmState.READY);
        state = RmVmState.RUNNING;
    }

    @Override
    public final void stop() throws GunyahException {
        synchronized (this) {
            if (state != RmVmState.RUNNING) {
                throw GunyahException.of(Errno.EINVAL, "VM %d is not running (%s)", vmid, state);
            }
        }
        guestExited(ExitInfo.withCode(ExitInfo.VM_FORCE_STOPPED, 0));
    }

    @Override
    public final void reset() throws GunyahException {
        List<HypervisorResource> going;
        synchronized (this) {
            if (state == RmVmState.RUNNING) {
                throw GunyahException.of(Errno.EBUSY, "VM %d must be stopped before reset", vmid);
            }
            if (closed) {
                throw GunyahException.of(Errno.EINVAL, "VM id %d was released", vmid);
            }
            state = RmVmState.RESETTING;
            going = resources;
            resources = List.of();
        }
        releaseResources(going);
        synchronized (this) {
            state = RmVmState.RESET;
        }
        RmListener l = listener;
        if (l != null) {
            l.status(RmVmState.RESET);
        }
    }

    /** VM_DEALLOC_VMID: resources, then the backend's VM, then the id. Idempotent. */
    @Override
    public final void close() {
        List<HypervisorResource> going;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            going = resources;
            resources = List.of();
        }
        releaseResources(going);
        synchronized (this) {
            parcels.clear();
        }
        releaseVm();
        ids.releaseVmid(vmid);
    }

    /** The guest exited (its exit call, a PSCI power-off or a force stop): EXITED, vCPUs off, then VM_EXITED. */
    public final void guestExited(ExitInfo info) {
        if (leaveRunning()) {
            RmListener l = listener;
            if (l != null) {
                l.exited(info);
            }
        }
    }

    /** A vCPU met something it cannot run: the VM is down (EXITED), and the listener learns why. */
    public final void guestCrashed(String reason) {
        if (leaveRunning()) {
            RmListener l = listener;
            if (l != null) {
                l.crashed(reason);
            }
        }
    }

    private boolean leaveRunning() {
        List<HypervisorResource> running;
        synchronized (this) {
            if (state != RmVmState.RUNNING) {
                return false;
            }
            state = RmVmState.EXITED;
            running = resources;
        }
        powerOff(running);
        return true;
    }

    private MemoryParcel parcel(int memHandle) throws GunyahException {
        MemoryParcel p = parcels.get(memHandle);
        if (p == null) {
            throw GunyahException.of(Errno.EINVAL, "no parcel with handle %d", memHandle);
        }
        return p;
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
    public final synchronized int parcelCount() {
        return parcels.size();
    }
}
