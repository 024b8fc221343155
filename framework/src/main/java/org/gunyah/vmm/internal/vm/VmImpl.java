package org.gunyah.vmm.internal.vm;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.internal.io.IoHandlerTable;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.gunyah.vmm.spi.hypervisor.HypervisorVm;
import org.gunyah.vmm.spi.hypervisor.RmListener;
import org.gunyah.vmm.spi.hypervisor.RmVmState;

/**
 * A VM: the VM manager's {@code gh_vm}. Three locks, always taken in this order: {@code lifecycle}
 * (start and close; a monitor), {@code functions} (the instance list, add, remove and unbind; a
 * ReentrantLock because add and remove take it with a timeout), then the ticket table's monitor.
 * State is published under {@code stateLock} and its condition {@code stateChanged}.
 */
public final class VmImpl implements Vm {
    private static final Logger LOG = System.getLogger(VmImpl.class.getName());

    private final int id;
    private final Hypervisor hypervisor;
    private final VmEnvironment env;
    private final Consumer<VmImpl> onClosed;

    /** A monitor: start and close only exclude each other, nobody waits on it for a change. */
    private final Object lifecycle = new Object();

    private final ReentrantLock functions = new ReentrantLock();
    private final ReentrantLock stateLock = new ReentrantLock();
    private final Condition stateChanged = stateLock.newCondition();

    private final IoHandlerTable ioHandlers = new IoHandlerTable();
    private final MemoryMap memory = new MemoryMap(ioHandlers);
    private final IoOffloads offloads = new IoOffloads();
    private final TicketTable tickets = new TicketTable();
    private final List<FunctionInstanceImpl> instances = new ArrayList<>();
    private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();

    private volatile VmState state = VmState.CREATED;
    private volatile boolean closing;
    private volatile ExitInfo exitInfo;
    private volatile String crashReason;
    private RmVmState rmState = RmVmState.NO_STATE;
    private long dtbAddr;
    private long dtbSize;
    private boolean dtbSet;
    private HypervisorVm hvVm;
    private final List<Integer> memHandles = new ArrayList<>();

    public VmImpl(int id, Hypervisor hypervisor, VmEnvironment env, Consumer<VmImpl> onClosed) {
        this.id = id;
        this.hypervisor = hypervisor;
        this.env = env;
        this.onClosed = onClosed;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public String hypervisor() {
        return hypervisor.name();
    }

    public Hypervisor hypervisorBackend() {
        return hypervisor;
    }

    @Override
    public VmState state() {
        return state;
    }

    @Override
    public Optional<ExitInfo> exitInfo() {
        return Optional.ofNullable(exitInfo);
    }

    @Override
    public Optional<String> crashReason() {
        return Optional.ofNullable(crashReason);
    }

    TicketTable tickets() {
        return tickets;
    }

    /** Adds an IO handler; EINVAL inside guest RAM, the table's errnos otherwise. */
    void addIoHandler(org.gunyah.vmm.spi.IoHandler handler) throws GunyahException {
        memory.addIoHandler(handler);
        offloads.added(handler);
    }

    /** Removes an IO handler, from the hypervisor's fast path first. */
    void removeIoHandler(org.gunyah.vmm.spi.IoHandler handler) {
        offloads.removed(handler);
        ioHandlers.remove(handler);
    }

    IoHandlerTable ioHandlers() {
        return ioHandlers;
    }

    EventFd eventFd(int fd) throws GunyahException {
        return env.eventFds().lookup(fd);
    }

    /** IO handlers, tickets and unclaimed resources still held: all zero after close. */
    public record Holdings(int instances, int tickets, int ioHandlers, int unclaimedResources, int memHandles) {}

    public Holdings holdings() {
        functions.lock();
        try {
            return new Holdings(
                    instances.size(),
                    tickets.tickets().size(),
                    ioHandlers.size(),
                    tickets.unclaimedCount(),
                    memHandles.size());
        } finally {
            functions.unlock();
        }
    }

    // memory and DTB

    @Override
    public void setUserMemoryRegion(MemoryRegion region) throws GunyahException {
        synchronized (lifecycle) {
            requireNotStarted("add memory");
            memory.add(region);
        }
    }

    @Override
    public void setDtbConfig(long guestPhysAddr, long size) throws GunyahException {
        long rounded = (size + MemoryRegion.PAGE_SIZE - 1) & -MemoryRegion.PAGE_SIZE;
        if (size == 0 || Long.compareUnsigned(rounded, size) < 0) {
            throw GunyahException.of(size == 0 ? Errno.EINVAL : Errno.EOVERFLOW, "DTB size 0x%x is not usable", size);
        }
        if (Long.compareUnsigned(guestPhysAddr + rounded, guestPhysAddr) < 0 && guestPhysAddr + rounded != 0) {
            throw GunyahException.of(Errno.EOVERFLOW, "DTB 0x%x + 0x%x overflows", guestPhysAddr, rounded);
        }
        synchronized (lifecycle) {
            requireNotStarted("set the DTB");
            dtbAddr = guestPhysAddr;
            dtbSize = size;
            dtbSet = true;
        }
    }

    private void requireNotStarted(String what) throws GunyahException {
        if (closing || state == VmState.CLOSED) {
            throw GunyahException.of(Errno.ENODEV, "VM %d is closed", id);
        }
        if (state != VmState.CREATED) {
            throw GunyahException.of(Errno.EPERM, "cannot %s: VM %d is %s", what, id, state);
        }
    }

    // start

    @Override
    public void start() throws GunyahException {
        synchronized (lifecycle) {
            if (closing) {
                throw GunyahException.of(Errno.ENODEV, "VM %d is closed", id);
            }
            switch (state) {
                case RUNNING -> {
                    return;
                }
                case CREATED -> {}
                default -> throw GunyahException.of(Errno.ENODEV, "VM %d cannot start: it is %s", id, state);
            }
            if (!dtbSet) {
                throw GunyahException.of(Errno.EINVAL, "VM %d has no DTB configured", id);
            }
            MemoryRegion image = memory.containing(dtbAddr, dtbSize)
                    .orElseThrow(() -> GunyahException.of(
                            Errno.EINVAL,
                            "DTB [0x%x, +0x%x) of VM %d is not inside one memory region",
                            dtbAddr,
                            dtbSize,
                            id));
            HypervisorVm allocated = hypervisor.allocateVm();
            hvVm = allocated;
            allocated.setListener(new Notifications());
            setRmState(RmVmState.LOAD);
            setState(VmState.STARTING);
            try {
                bootSequence(allocated, image);
            } catch (GunyahException | RuntimeException e) {
                LOG.log(Level.WARNING, "VM " + id + " failed to start: " + e.getMessage());
                rollBackStart();
                setState(VmState.LOAD_FAILED);
                throw e instanceof GunyahException g
                        ? g
                        : new GunyahException(Errno.EIO, "start of VM " + id + " failed: " + e, e);
            }
            transition(VmState.STARTING, VmState.RUNNING);
        }
    }

    private void bootSequence(HypervisorVm hv, MemoryRegion image) throws GunyahException {
        int imageHandle = -1;
        for (MemoryRegion r : memory.regions()) {
            int handle = hv.share(new org.gunyah.vmm.spi.hypervisor.MemoryParcel(
                    r.label(), r.guestPhysAddr(), r.memory(), acl(r.flags()), false));
            memHandles.add(handle);
            if (r == image) {
                imageHandle = handle;
            }
        }
        hv.configure(imageHandle, 0, dtbAddr - image.guestPhysAddr(), dtbSize);
        try {
            hv.init();
        } catch (GunyahException e) {
            setRmState(RmVmState.INIT_FAILED);
            throw e;
        }
        setRmState(RmVmState.READY);
        tickets.offerAll(hv.resources());
        offloads.attach(hv, ioHandlers.all());
        hv.start();
        setRmState(RmVmState.RUNNING);
    }

    private static int acl(int flags) {
        int acl = 0;
        acl |= (flags & MemoryRegion.READ) != 0 ? org.gunyah.vmm.spi.hypervisor.MemoryParcel.ACL_R : 0;
        acl |= (flags & MemoryRegion.WRITE) != 0 ? org.gunyah.vmm.spi.hypervisor.MemoryParcel.ACL_W : 0;
        acl |= (flags & MemoryRegion.EXEC) != 0 ? org.gunyah.vmm.spi.hypervisor.MemoryParcel.ACL_X : 0;
        return acl;
    }

    /**
     * A failed start gives the resources back at once, so the VM can be fixed and started again;
     * the kernel keeps them until the VM is destroyed, and a second start fails with ENODEV.
     */
    private void rollBackStart() {
        tickets.revokeAll();
        releaseHypervisorVm();
    }

    // functions

    @Override
    public FunctionHandle addFunction(FunctionDesc desc) throws GunyahException {
        checkSize(desc);
        requireOpen();
        FunctionProvider provider = env.resolver()
                .resolve(desc.type())
                .orElseThrow(() -> GunyahException.of(
                        Errno.ENOENT,
                        "no bundle provides gunyah.function type %s",
                        Integer.toUnsignedString(desc.type())));
        return bind(provider, desc);
    }

    @Override
    public Optional<FunctionHandle> addFunctionIfProvided(FunctionDesc desc) throws GunyahException {
        checkSize(desc);
        requireOpen();
        Optional<FunctionProvider> provider = env.registry().lookup(desc.type());
        return provider.isEmpty() ? Optional.empty() : Optional.of(bind(provider.get(), desc));
    }

    private static void checkSize(FunctionDesc desc) throws GunyahException {
        if (desc.argSize() > FunctionType.MAX_ARG_SIZE) {
            throw GunyahException.of(
                    Errno.E2BIG,
                    "%s: argument of %d bytes exceeds GH_FN_MAX_ARG_SIZE (%d)",
                    FunctionType.describe(desc.type()),
                    desc.argSize(),
                    FunctionType.MAX_ARG_SIZE);
        }
    }

    /** Binds a new instance pinning {@code provider}; on failure the VM is as before. */
    private FunctionHandle bind(FunctionProvider provider, FunctionDesc desc) throws GunyahException {
        VmFunction fn = provider.acquire();
        if (fn == null) {
            throw GunyahException.of(
                    Errno.ENOENT,
                    "the provider of function type %s is going away",
                    Integer.toUnsignedString(desc.type()));
        }
        try {
            lockFunctions("add");
        } catch (GunyahException e) {
            provider.release();
            throw e;
        }
        boolean linked = false;
        try {
            requireOpen();
            if (!env.registry().isLive(provider)) {
                throw GunyahException.of(
                        Errno.ENOENT,
                        "the provider of function type %s is going away",
                        Integer.toUnsignedString(desc.type()));
            }
            FunctionInstanceImpl instance = new FunctionInstanceImpl(this, provider, fn, desc);
            Object result;
            try {
                result = fn.bind(instance);
            } catch (GunyahException e) {
                instance.releaseLeftovers();
                throw e;
            } catch (RuntimeException e) {
                instance.releaseLeftovers();
                throw new GunyahException(Errno.EIO, FunctionType.describe(desc.type()) + " failed in bind: " + e, e);
            }
            instances.add(instance);
            linked = true;
            return new FunctionHandle(desc, Optional.ofNullable(result));
        } finally {
            functions.unlock();
            if (!linked) {
                provider.release();
            }
        }
    }

    @Override
    public void removeFunction(FunctionDesc desc) throws GunyahException {
        if (desc.argSize() > FunctionType.MAX_ARG_SIZE) {
            throw GunyahException.of(
                    Errno.E2BIG,
                    "%s: argument of %d bytes exceeds GH_FN_MAX_ARG_SIZE (%d)",
                    FunctionType.describe(desc.type()),
                    desc.argSize(),
                    FunctionType.MAX_ARG_SIZE);
        }
        if (desc.argSize() == 0) {
            throw GunyahException.of(
                    Errno.ENOENT, "%s: an empty argument names no instance", FunctionType.describe(desc.type()));
        }
        byte[] arg = desc.arg();
        lockFunctions("remove");
        try {
            List<FunctionInstanceImpl> matches = new ArrayList<>();
            for (FunctionInstanceImpl i : instances) {
                if (i.type() == desc.type() && compare(i, arg)) {
                    matches.add(i);
                }
            }
            if (matches.isEmpty()) {
                throw GunyahException.of(
                        Errno.ENOENT,
                        "no %s instance on VM %d matches %s",
                        FunctionType.describe(desc.type()),
                        id,
                        desc);
            }
            matches.reversed().forEach(this::unbind);
        } finally {
            functions.unlock();
        }
    }

    /**
     * Takes the function lock for an add or remove. The kernel waits for ever behind a bind that
     * blocks; here the caller gets EBUSY after the bound, and the blocked call finishes whenever it
     * returns.
     */
    private void lockFunctions(String what) throws GunyahException {
        try {
            if (!functions.tryLock(env.callTimeout().toNanos(), TimeUnit.NANOSECONDS)) {
                throw GunyahException.of(
                        Errno.EBUSY,
                        "VM %d: %s gave up after %s behind a function call that does not return "
                                + "(a bind or unbind that blocks)",
                        id,
                        what,
                        env.callTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "VM %d: %s interrupted", id, what);
        }
    }

    private static boolean compare(FunctionInstanceImpl i, byte[] arg) {
        try {
            return i.function().compare(i, arg.clone());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "compare of " + i + " failed; treating it as no match", e);
            return false;
        }
    }

    /** Unbinds one instance and unpins its provider. Caller holds {@code functions}. */
    private void unbind(FunctionInstanceImpl i) {
        try {
            i.function().unbind(i);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "unbind of " + i + " failed", e);
        }
        i.releaseLeftovers();
        instances.remove(i);
        i.provider().release();
    }

    /** Unbinds, newest first, every instance pinning {@code provider}: its service is leaving. */
    public void unbindProvider(FunctionProvider provider) {
        functions.lock();
        try {
            instances.reversed().stream()
                    .filter(i -> i.provider() == provider)
                    .toList()
                    .forEach(this::unbind);
        } finally {
            functions.unlock();
        }
    }

    /** How many instances pin {@code provider} on this VM. */
    public int instancesOf(FunctionProvider provider) {
        functions.lock();
        try {
            return (int)
                    instances.stream().filter(i -> i.provider() == provider).count();
        } finally {
            functions.unlock();
        }
    }

    @Override
    public List<FunctionDesc> functions() {
        functions.lock();
        try {
            return instances.stream().map(FunctionInstanceImpl::desc).toList();
        } finally {
            functions.unlock();
        }
    }

    private void requireOpen() throws GunyahException {
        if (closing) {
            throw GunyahException.of(Errno.ENODEV, "VM %d is closed", id);
        }
    }

    // teardown

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closing) {
                return;
            }
            closing = true;
            HypervisorVm hv = hvVm;
            if (hv != null && rmState() == RmVmState.RUNNING) {
                try {
                    hv.stop();
                } catch (GunyahException | RuntimeException e) {
                    LOG.log(Level.WARNING, "VM " + id + ": stop failed, tearing down anyway: " + e.getMessage());
                }
                if (!awaitRm(s -> s != RmVmState.RUNNING)) {
                    LOG.log(
                            Level.WARNING,
                            "VM {0}: no exit notification within {1}; tearing down anyway",
                            id,
                            env.rmTimeout());
                }
            }
            functions.lock();
            try {
                List.copyOf(instances).reversed().forEach(this::unbind);
            } finally {
                functions.unlock();
            }
            for (var t : tickets.tickets()) {
                LOG.log(Level.WARNING, "VM {0}: dangling {1} ticket {2} removed", id, t.resourceType(), t.label());
                tickets.remove(t);
            }
            for (var h : ioHandlers.all()) {
                LOG.log(
                        Level.WARNING,
                        "VM {0}: dangling IO handler at 0x{1} removed",
                        id,
                        Long.toHexString(h.address()));
                removeIoHandler(h);
            }
            tickets.revokeAll();
            releaseHypervisorVm();
            setState(VmState.CLOSED);
        }
        onClosed.accept(this);
    }

    /** Reset (when the guest ever ran), reclaim every parcel, free the VM id. Never throws. */
    private void releaseHypervisorVm() {
        HypervisorVm hv = hvVm;
        if (hv == null) {
            return;
        }
        offloads.detach();
        RmVmState rm = rmState();
        if (rm != RmVmState.NO_STATE && rm != RmVmState.LOAD && rm != RmVmState.RESET) {
            try {
                hv.reset();
                if (!awaitRm(s -> s == RmVmState.RESET)) {
                    LOG.log(Level.WARNING, "VM {0}: no RESET notification within {1}", id, env.rmTimeout());
                }
            } catch (GunyahException | RuntimeException e) {
                LOG.log(Level.WARNING, "VM " + id + ": reset failed: " + e.getMessage());
            }
        }
        for (int handle : memHandles) {
            try {
                hv.reclaim(handle);
            } catch (GunyahException | RuntimeException e) {
                LOG.log(Level.WARNING, "VM " + id + ": reclaim of parcel " + handle + " failed: " + e.getMessage());
            }
        }
        memHandles.clear();
        hv.close();
        hvVm = null;
    }

    @Override
    public boolean awaitDown(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        stateLock.lock();
        try {
            while (!state.isDown()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stateChanged.awaitNanos(left);
            }
            return true;
        } finally {
            stateLock.unlock();
        }
    }

    // state

    @Override
    public StateSubscription onStateChange(Runnable listener) {
        stateListeners.add(listener);
        return () -> stateListeners.remove(listener);
    }

    /** One registration for both audiences: the VMM ({@link Vm}) and function instances ({@link org.gunyah.vmm.spi.VmContext}). */
    public interface StateSubscription extends org.gunyah.vmm.api.VmManager.Subscription, Registration {
        @Override
        void close();
    }

    private void setState(VmState next) {
        stateLock.lock();
        try {
            state = next;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        fireStateChange();
    }

    /** Moves to {@code next} only from {@code expected}: an exit may beat start to the finish. */
    private void transition(VmState expected, VmState next) {
        stateLock.lock();
        try {
            if (state != expected) {
                return;
            }
            state = next;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
        fireStateChange();
    }

    private void fireStateChange() {
        for (Runnable l : stateListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "VM " + id + ": state listener failed", e);
            }
        }
    }

    private RmVmState rmState() {
        stateLock.lock();
        try {
            return rmState;
        } finally {
            stateLock.unlock();
        }
    }

    private void setRmState(RmVmState next) {
        stateLock.lock();
        try {
            rmState = next;
            stateChanged.signalAll();
        } finally {
            stateLock.unlock();
        }
    }

    /** Bounded wait for the RM: the kernel waits forever, so a resource manager that never answers hangs its teardown. */
    private boolean awaitRm(Predicate<RmVmState> condition) {
        long deadline = System.nanoTime() + env.rmTimeout().toNanos();
        stateLock.lock();
        try {
            while (!condition.test(rmState)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                stateChanged.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return condition.test(rmState);
        } finally {
            stateLock.unlock();
        }
    }

    /** The RM's notifications: they may arrive on a vCPU thread and must not block. */
    private final class Notifications implements RmListener {
        @Override
        public void exited(ExitInfo info) {
            goDown(VmState.EXITED, info, null);
        }

        @Override
        public void status(RmVmState next) {
            setRmState(next);
        }

        @Override
        public void crashed(String reason) {
            if (goDown(VmState.CRASHED, null, reason)) {
                LOG.log(Level.WARNING, "VM {0} crashed: {1}", id, reason);
            }
        }

        /** The guest stopped running: the first report wins; true when it was this one. */
        private boolean goDown(VmState down, ExitInfo info, String crash) {
            boolean changed;
            stateLock.lock();
            try {
                rmState = RmVmState.EXITED;
                changed = !state.isDown();
                if (changed) {
                    exitInfo = info;
                    crashReason = crash; // before the state, which readers look at first
                    state = down;
                }
                stateChanged.signalAll();
            } finally {
                stateLock.unlock();
            }
            if (changed) {
                fireStateChange();
            }
            return changed;
        }
    }

    @Override
    public String toString() {
        return "VM " + id + " (" + hypervisor.name() + ", " + state + ")";
    }
}
