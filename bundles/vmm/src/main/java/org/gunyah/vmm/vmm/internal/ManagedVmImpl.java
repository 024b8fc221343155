package org.gunyah.vmm.vmm.internal;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.vmm.Devices;
import org.gunyah.vmm.vmm.ManagedVm;
import org.gunyah.vmm.vmm.VmSpec;

/**
 * A managed VM. {@code lock} orders start, function changes and close; the vCPU threads only
 * take it to report that they ended.
 */
final class ManagedVmImpl implements ManagedVm, VcpuLoop.Owner {
    private static final Logger LOG = System.getLogger(ManagedVmImpl.class.getName());
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final VmSpec spec;
    private final Vm vm;
    private final Arena arena;
    private final MemorySegment ram;
    private final long imageSize;
    private final Console console;
    private final ExitRouter router;
    private final Runnable onClose;
    private final Runnable onStart;

    private final Object lock = new Object();
    private final Map<Integer, Vcpu> vcpus = new HashMap<>();
    private final Map<VcpuLoop, Thread> loops = new HashMap<>();
    private final List<String> errors = new ArrayList<>();
    private final List<EventFd> eventFds = new ArrayList<>();
    private final List<EventFd.Subscription> responders = new ArrayList<>();
    private final LongAdder doorbellSignals = new LongAdder();
    private final LongAdder interruptsSent = new LongAdder();
    private final LongAdder doorbellExits = new LongAdder();
    private final LongAdder restored = new LongAdder();
    /** What the VM was given and not asked to remove: what {@link #restore} re-adds. */
    private final List<FunctionDesc> kept = new ArrayList<>();
    /** irqfd label to the vCPU its interrupt is aimed at, for the devicetree. */
    private final Map<Integer, Integer> interruptTargets = new HashMap<>();
    private boolean started;
    private volatile boolean stopping;
    /** Set when close has returned everything. */
    private boolean closed;
    /** Set once by the exit register: the guest's exit code. */
    private volatile Long exitCode;

    private ManagedVmImpl(VmSpec spec, Vm vm, Arena arena, MemorySegment ram, long imageSize, Consumer<String> consoleSink,
            Runnable onClose, Runnable onStart) {
        this.spec = spec;
        this.vm = vm;
        this.arena = arena;
        this.ram = ram;
        this.imageSize = imageSize;
        this.console = new Console(consoleSink);
        this.router = new ExitRouter(spec.devices().contains(Devices.Model.CONSOLE) ? console : null,
                spec.devices().contains(Devices.Model.EXIT_REGISTER) ? this::guestExit : null);
        this.onClose = onClose;
        this.onStart = onStart;
    }

    /** Creates the VM, its RAM and image; on failure nothing is left. */
    static ManagedVmImpl create(VmManager manager, VmSpec spec, Consumer<String> consoleSink, Runnable onClose,
            Runnable onStart) throws GunyahException {
        spec.validate();
        byte[] image = readImage(spec);
        if (image.length > spec.memorySize() - MemoryRegion.PAGE_SIZE) {
            throw GunyahException.of(Errno.EINVAL, "image of %d bytes does not fit in %d bytes of RAM with a devicetree page",
                    image.length, spec.memorySize());
        }
        Vm vm = spec.hypervisor().isPresent() ? manager.createVm(spec.hypervisor().get()) : manager.createVm();
        Arena arena = Arena.ofShared();
        try {
            MemorySegment ram = arena.allocate(spec.memorySize(), MemoryRegion.PAGE_SIZE);
            MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
            vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, spec.ramBase(), ram));
            return new ManagedVmImpl(spec, vm, arena, ram, image.length, consoleSink, onClose, onStart);
        } catch (GunyahException | RuntimeException | OutOfMemoryError e) {
            vm.close();
            arena.close();
            throw e;
        }
    }

    private static byte[] readImage(VmSpec spec) throws GunyahException {
        if (spec.image().isEmpty()) {
            return new byte[0];
        }
        try {
            long size = Files.size(spec.image().get());
            if (size > spec.memorySize()) {
                throw GunyahException.of(Errno.EINVAL, "image %s of %d bytes is larger than RAM (%d bytes)",
                        spec.image().get(), size, spec.memorySize());
            }
            return Files.readAllBytes(spec.image().get());
        } catch (IOException e) {
            throw GunyahException.of(Errno.ENOENT, "cannot read image %s: %s", spec.image().get(), e.getMessage());
        }
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public VmSpec spec() {
        return spec;
    }

    @Override
    public Vm vm() {
        return vm;
    }

    @Override
    public FunctionHandle addFunction(FunctionDesc desc) throws GunyahException {
        synchronized (lock) {
            FunctionHandle handle = vm.addFunction(desc);
            bound(handle);
            if (!kept.contains(desc)) {
                kept.add(desc);
            }
            return handle;
        }
    }

    /** A new instance: a vCPU gets its thread when the VM runs. Caller holds {@code lock}. */
    private void bound(FunctionHandle handle) {
        if (handle.value().orElse(null) instanceof Vcpu vcpu) {
            vcpus.put(vcpu.id(), vcpu);
            if (started && !stopping && exitCode == null) {
                startLoop(vcpu);
            }
        }
    }

    /**
     * A provider of {@code type} is bound again: re-adds the kept functions of that type that its
     * predecessor's departure unbound. Runs on the registry's restore thread, never loading a bundle.
     */
    void restore(int type) {
        synchronized (lock) {
            if (stopping) {
                return;
            }
            List<FunctionDesc> bound = vm.functions();
            for (FunctionDesc desc : List.copyOf(kept)) {
                if (desc.type() != type || bound.contains(desc)) {
                    continue;
                }
                try {
                    Optional<FunctionHandle> handle = vm.addFunctionIfProvided(desc);
                    if (handle.isEmpty()) {
                        break; // gone again already: its next return restores the rest
                    }
                    restored.increment();
                    bound(handle.get());
                } catch (GunyahException e) {
                    // Kept no longer: retrying could only fail the same way.
                    kept.remove(desc);
                    if (e.errno() == Errno.EEXIST) {
                        LOG.log(Level.INFO, "VM {0}: {1} was added again in another form meanwhile; it is no longer kept", name(), desc);
                    } else {
                        errors.add("re-adding " + desc + ": " + e.getMessage());
                        LOG.log(Level.WARNING, "VM {0}: could not re-add {1}, no longer kept: {2}", name(), desc, e.getMessage());
                    }
                }
            }
            lock.notifyAll();
        }
    }

    @Override
    public List<FunctionDesc> missingFunctions() {
        synchronized (lock) {
            List<FunctionDesc> bound = vm.functions();
            return kept.stream().filter(d -> !bound.contains(d)).toList();
        }
    }

    @Override
    public boolean awaitFunctions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            // restore() notifies; the short wait also sees a type that came back through another path.
            while (!stopping && !missingFunctions().isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return !stopping;
        }
    }

    @Override
    public byte[] readGuest(long addr, int length) throws GunyahException {
        if (length < 0) {
            throw GunyahException.of(Errno.EINVAL, "length %d is negative", length);
        }
        long offset = ramOffset(addr, length);
        synchronized (lock) {
            requireRam();
            return ram.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @Override
    public void writeGuest(long addr, byte[] data) throws GunyahException {
        long offset = ramOffset(addr, data.length);
        synchronized (lock) {
            requireRam();
            MemorySegment.copy(data, 0, ram, ValueLayout.JAVA_BYTE, offset, data.length);
        }
    }

    /** The offset in RAM of {@code length} bytes at guest physical {@code addr}; EFAULT when they are not all RAM. */
    private long ramOffset(long addr, int length) throws GunyahException {
        long offset = addr - spec.ramBase();
        if (Long.compareUnsigned(addr, spec.ramBase()) < 0 || Long.compareUnsigned(offset, spec.memorySize() - length) > 0) {
            throw GunyahException.of(Errno.EFAULT, "0x%x..+%d is outside the VM's RAM at 0x%x..+%d", addr, length,
                    spec.ramBase(), spec.memorySize());
        }
        return offset;
    }

    /** RAM is freed by close: ENODEV from then on. Caller holds {@code lock}. */
    private void requireRam() throws GunyahException {
        if (stopping) {
            throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name());
        }
    }

    /** Aims irqfd {@code label}'s interrupt at vCPU {@code cpu} in the devicetree written at start. */
    void aim(int label, int cpu) {
        synchronized (lock) {
            interruptTargets.put(label, cpu);
        }
    }

    @Override
    public void removeFunction(FunctionDesc desc) throws GunyahException {
        synchronized (lock) {
            List<FunctionDesc> before = vm.functions();
            vm.removeFunction(desc);
            List<FunctionDesc> after = vm.functions();
            kept.removeIf(d -> before.contains(d) && !after.contains(d));
            // The removed vCPU's thread sees ENODEV and ends; forget handles the VM no longer has.
            vcpus.values().removeIf(v -> vm.functions().stream().noneMatch(f -> sameVcpu(f, v)));
        }
    }

    private static boolean sameVcpu(FunctionDesc f, Vcpu v) {
        try {
            return f.type() == org.gunyah.vmm.api.FunctionType.VCPU && org.gunyah.vmm.api.VcpuArg.decode(f.arg()).id() == v.id();
        } catch (GunyahException e) {
            return false;
        }
    }

    @Override
    public void start() throws GunyahException {
        synchronized (lock) {
            if (stopping) {
                throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name());
            }
            if (started) {
                throw GunyahException.of(Errno.EBUSY, "VM %s is already started", name());
            }
            if (vcpus.isEmpty()) {
                throw GunyahException.of(Errno.EINVAL, "VM %s has no vcpu function to run", name());
            }
            byte[] dtb = Fdt.encode(GuestDevicetree.of(kept, interruptTargets, spec.ramBase(), spec.memorySize()));
            long dtbOffset = (spec.memorySize() - dtb.length) & -MemoryRegion.PAGE_SIZE;
            if (dtbOffset < imageSize) {
                throw GunyahException.of(Errno.EINVAL, "devicetree of %d bytes does not fit after the %d-byte image",
                        dtb.length, imageSize);
            }
            MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, dtbOffset, dtb.length);
            vm.setDtbConfig(spec.ramBase() + dtbOffset, dtb.length);
            vm.start();
            started = true;
            vcpus.values().forEach(this::startLoop);
        }
        onStart.run();
    }

    private void startLoop(Vcpu vcpu) {
        VcpuLoop loop = new VcpuLoop(vcpu, router, this);
        Thread t = Thread.ofPlatform().daemon().name("vcpu-" + name() + "-" + vcpu.id()).unstarted(loop);
        loops.put(loop, t);
        t.start();
    }

    /** The exit register: the first write wins; every vCPU thread then ends. */
    private void guestExit(long code) {
        synchronized (lock) {
            if (exitCode != null) {
                return;
            }
            exitCode = code;
            loops.keySet().forEach(l -> l.vcpu().kick());
            lock.notifyAll();
        }
    }

    /** Closes {@code eventFd} with the VM. */
    void adopt(EventFd eventFd) {
        synchronized (lock) {
            eventFds.add(eventFd);
        }
    }

    /**
     * A doorbell responder: each time the guest rings {@code doorbell}, its count is taken and
     * {@code irq} is signalled once. Runs in the ringing vCPU's thread, never blocking.
     */
    void respond(EventFd doorbell, EventFd irq, IoeventfdArg arg) {
        router.addDoorbell(new ExitRouter.Doorbell(arg.addr(), arg.len(),
                (arg.flags() & IoeventfdArg.DATAMATCH) != 0 ? OptionalLong.of(arg.datamatch()) : OptionalLong.empty(), () -> {
                    doorbellExits.increment();
                    interruptsSent.increment();
                    irq.signal(1);
                }));
        EventFd.Subscription s = doorbell.subscribe(() -> {
            try {
                long n = doorbell.read(Duration.ZERO).orElse(0);
                if (n > 0) {
                    doorbellSignals.add(n);
                    interruptsSent.increment();
                    irq.signal(1);
                }
            } catch (GunyahException e) {
                // EBADF: the eventfd closed under us as the VM went down; nothing to answer
            }
        });
        synchronized (lock) {
            responders.add(s);
        }
    }

    @Override
    public boolean stopping() {
        return stopping || exitCode != null;
    }

    @Override
    public String status() {
        Long code = exitCode;
        if (stopping) {
            return code != null ? "EXITED(" + code + ")" : VmState.CLOSED.name();
        }
        if (code != null) {
            return "EXITED(" + code + ")";
        }
        VmState state = vm.state();
        if (state == VmState.EXITED) {
            return "EXITED(" + vm.exitInfo().map(i -> i.code()).orElse(0L) + ")";
        }
        return state.name();
    }

    /** True once the guest cannot run on: exited by either path, crashed, failed, or closed all through. */
    private boolean guestDown() {
        return stopping ? closed : exitCode != null || vm.state().isDown();
    }

    @Override
    public void exited(VcpuLoop loop, String error) {
        synchronized (lock) {
            loops.remove(loop);
            if (error != null) {
                errors.add(error);
                LOG.log(Level.WARNING, "VM {0}: {1}", name(), error);
            }
            lock.notifyAll();
        }
    }

    @Override
    public String console() {
        return console.text();
    }

    @Override
    public Stats stats() {
        synchronized (lock) {
            return new Stats(router.mmioExits(), console.writes(), router.unhandledExits(), doorbellSignals.sum(),
                    doorbellExits.sum(), interruptsSent.sum(), restored.sum(), errors);
        }
    }

    @Override
    public int runningVcpus() {
        synchronized (lock) {
            return loops.size();
        }
    }

    @Override
    public boolean awaitDown(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            // A vCPU thread reports every end (status exit, exit register, ENODEV) under the lock.
            while (!(guestDown() && loops.isEmpty())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        }
    }

    @Override
    public boolean awaitRunningVcpus(int count, Duration timeout) throws InterruptedException {
        return awaitLoops(count, System.nanoTime() + timeout.toNanos());
    }

    private boolean awaitLoops(int count, long deadline) throws InterruptedException {
        synchronized (lock) {
            while (loops.size() > count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    @Override
    public void close() {
        List<Thread> threads;
        synchronized (lock) {
            if (stopping) {
                return;
            }
            stopping = true;
            lock.notifyAll();
            loops.keySet().forEach(l -> l.vcpu().kick());
            threads = List.copyOf(loops.values());
        }
        boolean joined = join(threads);
        List<EventFd.Subscription> subscriptions;
        List<EventFd> fds;
        synchronized (lock) {
            subscriptions = List.copyOf(responders);
            fds = List.copyOf(eventFds);
        }
        subscriptions.forEach(EventFd.Subscription::close);
        vm.close();
        fds.forEach(EventFd::close);
        if (joined || join(threads)) {
            arena.close();
        } else {
            // Freeing RAM under a vCPU thread that still runs would crash the host: leak it instead, loudly.
            LOG.log(Level.ERROR, "VM {0}: vCPU threads did not end within {1}; its RAM is not freed", name(), JOIN_TIMEOUT);
        }
        onClose.run();
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private static boolean join(List<Thread> threads) {
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        for (Thread t : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    VmState state() {
        return vm.state();
    }
}
