package org.gunyah.vmm.function.vcpu;

import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;
import org.gunyah.vmm.api.VcpuPosition;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.api.VmStatus;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmContext;

/**
 * One vCPU: the VCPU ticket and the {@code GH_VCPU_RUN} loop. One runner at a time (a second one
 * gets EBUSY rather than queueing behind a run that may last forever). The run state is kept here,
 * not taken back from what the caller can write, as the kernel does.
 */
final class VcpuHandle implements Vcpu, ResourceTicket {
    /** How long a sleeping runner waits before looking again even without a wakeup. */
    private static final long WAIT_SLICE_MS = 100;

    private enum RunState {
        UNKNOWN,
        READY,
        MMIO_READ,
        SYSTEM_DOWN
    }

    private final int id;
    private final VmContext vm;
    /** A lock rather than a monitor: {@link #run} takes it with tryLock, failing with EBUSY. */
    private final ReentrantLock runLock = new ReentrantLock();

    private final Wakeup wakeup = new Wakeup();
    // Volatile, not under runLock: kicks, immediate_exit and MMIO data come from other threads,
    // which must not wait for a run in progress (it holds runLock as long as the guest runs).
    private volatile VcpuResource resource;
    private volatile boolean detached;
    private volatile boolean immediateExit;
    private volatile boolean kicked;
    private volatile long mmioData;
    private int mmioReadLength;
    private VmContext.Registration stateListener;

    // Guarded by runLock.
    private RunState state = RunState.UNKNOWN;
    private VcpuExit.Status lastStatus;

    VcpuHandle(int id, VmContext vm) {
        this.id = id;
        this.vm = vm;
    }

    void attach() {
        stateListener = vm.onStateChange(wakeup::signal);
    }

    /** The instance is going: runners leave with ENODEV from now on. */
    void detach() {
        detached = true;
        if (stateListener != null) {
            stateListener.close();
        }
        wakeup.signal();
    }

    @Override
    public int id() {
        return id;
    }

    // ResourceTicket

    @Override
    public ResourceType resourceType() {
        return ResourceType.VCPU;
    }

    @Override
    public int label() {
        return id;
    }

    @Override
    public boolean populate(Resource r) {
        if (!(r instanceof VcpuResource v) || resource != null) {
            return false;
        }
        v.setWakeupListener(wakeup::signal);
        resource = v;
        return true;
    }

    /** Makes a runner leave (immediate exit, wakeup, kick), waits for it, then lets go. */
    @Override
    public void unpopulate(Resource r) {
        if (r != resource) {
            return;
        }
        immediateExit = true;
        wakeup.signal();
        resource.kick();
        runLock.lock();
        try {
            resource = null;
        } finally {
            runLock.unlock();
        }
    }

    // Vcpu

    @Override
    public VcpuExit run() throws GunyahException {
        if (detached) {
            throw GunyahException.of(Errno.ENODEV, "vCPU %d was removed", id);
        }
        if (!runLock.tryLock()) {
            throw GunyahException.of(Errno.EBUSY, "vCPU %d is already running in another thread", id);
        }
        try {
            VcpuResource r = resource;
            if (r == null && vm.state() == VmState.LOAD_FAILED) {
                return systemDown(); // the start failed and took the resources back: say so
            }
            if (r == null || detached) {
                throw GunyahException.of(Errno.ENODEV, "vCPU %d has no hypervisor vCPU (VM %s)", id, vm.state());
            }
            switch (state) {
                case UNKNOWN -> {
                    if (vm.state().isDown()) {
                        return systemDown();
                    }
                    state = RunState.READY;
                }
                case MMIO_READ -> {
                    long mask = mmioReadLength >= 8 ? -1L : (1L << (8 * mmioReadLength)) - 1;
                    r.resumeMmioRead(mmioData & mask);
                    state = RunState.READY;
                }
                case SYSTEM_DOWN -> {
                    return lastStatus;
                }
                case READY -> {}
            }
            return loop(r);
        } finally {
            runLock.unlock();
        }
    }

    private VcpuExit loop(VcpuResource r) throws GunyahException {
        while (true) {
            if (immediateExit || detached) {
                throw GunyahException.of(Errno.EINTR, "vCPU %d: immediate exit", id);
            }
            if (kicked) {
                kicked = false;
                throw GunyahException.of(Errno.EINTR, "vCPU %d: run interrupted", id);
            }
            wakeup.rearm();
            VcpuRunResult result = r.run();
            // The pattern switch tests the cases in this order: the most frequent exits come first.
            switch (result) {
                case VcpuRunResult.MmioWrite w -> {
                    if (!vm.mmioWrite(w.address(), w.length(), w.value())) {
                        return new VcpuExit.Mmio(w.address(), w.length(), true, w.value());
                    }
                }
                case VcpuRunResult.Ready ready -> {}
                case VcpuRunResult.ExpectsWakeup w -> {
                    VcpuExit down = sleep();
                    if (down != null) {
                        return down;
                    }
                }
                case VcpuRunResult.PoweredOff off -> {
                    if (vm.state().isDown()) {
                        return systemDown();
                    }
                    VcpuExit down = sleep();
                    if (down != null) {
                        return down;
                    }
                }
                case VcpuRunResult.MmioRead rd -> {
                    state = RunState.MMIO_READ;
                    mmioReadLength = rd.length();
                    mmioData = 0;
                    return new VcpuExit.Mmio(rd.address(), rd.length(), false, 0);
                }
                case VcpuRunResult.PortIo io -> {
                    if (!io.isWrite()) {
                        state = RunState.MMIO_READ;
                        mmioReadLength = io.length();
                        mmioData = 0;
                    }
                    return new VcpuExit.PortIo(io.port(), io.length(), io.isWrite(), io.value());
                }
            }
        }
    }

    /** Waits for the wakeup interrupt; returns a STATUS exit if the VM went down meanwhile. */
    private VcpuExit sleep() throws GunyahException {
        try {
            wakeup.await(WAIT_SLICE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "vCPU %d: thread interrupted", id);
        }
        return vm.state().isDown() ? systemDown() : null;
    }

    /** The sticky STATUS exit of a VM that no longer runs. */
    private VcpuExit.Status systemDown() {
        VmState s = vm.state();
        VcpuExit.Status status = switch (s) {
            case LOAD_FAILED -> new VcpuExit.Status(VmStatus.LOAD_FAILED, null);
            case EXITED -> new VcpuExit.Status(VmStatus.EXITED, vm.exitInfo().orElse(null));
            default -> new VcpuExit.Status(VmStatus.CRASHED, vm.exitInfo().orElse(null));
        };
        state = RunState.SYSTEM_DOWN;
        lastStatus = status;
        return status;
    }

    @Override
    public void setImmediateExit(boolean immediateExit) {
        this.immediateExit = immediateExit;
        if (immediateExit) {
            wakeup.signal();
            VcpuResource r = resource;
            if (r != null) {
                r.kick();
            }
        }
    }

    @Override
    public boolean immediateExit() {
        return immediateExit;
    }

    @Override
    public void setMmioData(long data) {
        this.mmioData = data;
    }

    @Override
    public void kick() {
        kicked = true;
        wakeup.signal();
        VcpuResource r = resource;
        if (r != null) {
            r.kick();
        }
    }

    @Override
    public Optional<VcpuPosition> position() {
        VcpuResource r = resource;
        return r == null ? Optional.empty() : r.position();
    }

    @Override
    public String toString() {
        return "vCPU " + id + " of VM " + vm.vmId();
    }
}
