package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.managed.DeviceInfo;
import org.gunyah.vmm.managed.DeviceSpec;
import org.gunyah.vmm.managed.Devices;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.Numbers;
import org.gunyah.vmm.managed.Serial;
import org.gunyah.vmm.managed.VmSpec;

/**
 * A managed VM: puts together its {@link GuestMemory}, {@link KeptFunctions},
 * {@link VcpuThreads}, {@link DevicetreePlacement}, {@link DoorbellResponders} and device models,
 * and moves its {@link Lifecycle}. {@code lock} orders start, function changes and close; the
 * waits wait on {@link Changes}, which every change they look at signals.
 */
final class ManagedVmImpl implements ManagedVm {
    private static final Logger LOG = System.getLogger(ManagedVmImpl.class.getName());

    private final VmSpec spec;
    private final Vm vm;
    private final GuestMemory memory;
    private final Timeouts timeouts;
    private final Runnable onClose;
    private final Runnable onStart;
    private final Console console;
    private final DeviceBus bus;
    /** The devices of device bundles, by slot; filled once at creation. */
    private final List<PluggedDevice> plugged = new CopyOnWriteArrayList<>();

    private final ExitRouter router;
    private final VmCounters counters;
    private final Changes changes = new Changes();
    private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.CREATED);
    private final VmManager.Subscription stateChanges;
    private final VcpuThreads vcpus;
    private final KeptFunctions kept;
    private final DevicetreePlacement devicetree;
    private final DoorbellResponders responders;
    /** The PL011, when the VM has one, and the eventfds of its resampled level irqfd. */
    private final Uart uart;

    private final UartIrq uartIrq;
    /** Set at start when the spec asks for one ({@link org.gunyah.vmm.managed.Supervision}). */
    private volatile Watchdog watchdog;

    private final Object lock = new Object();

    private ManagedVmImpl(
            VmSpec spec,
            Vm vm,
            GuestMemory memory,
            BootPlan boot,
            Consumer<String> consoleSink,
            UartIrq uartIrq,
            Timeouts timeouts,
            Runnable onClose,
            Runnable onStart)
            throws GunyahException {
        this.spec = spec;
        this.vm = vm;
        this.memory = memory;
        this.timeouts = timeouts;
        this.onClose = onClose;
        this.onStart = onStart;
        this.console = new Console(
                line -> {
                    watchForPanic(line);
                    consoleSink.accept(line);
                },
                this::progress);
        this.uartIrq = uartIrq;
        this.uart = uartIrq == null
                ? null
                : new Uart(console::serial, () -> uartIrq.signal().signal(1), uartIrq.resample());
        this.bus = new DeviceBus();
        if (spec.devices().contains(Devices.Model.CONSOLE)) {
            bus.add(new DeviceBus.Window(
                    "the console register", Devices.CONSOLE_BASE, Devices.CONSOLE_SIZE, console.registers()));
        }
        if (spec.devices().contains(Devices.Model.EXIT_REGISTER)) {
            bus.add(new DeviceBus.Window(
                    "the exit register", Devices.EXIT_REGISTER, ExitRegister.SIZE, new ExitRegister(this::guestExit)));
        }
        if (uart != null) {
            bus.add(new DeviceBus.Window("the PL011", Devices.PL011_BASE, Devices.PL011_SIZE, uart));
        }
        this.router = new ExitRouter(bus);
        this.counters = new VmCounters(spec.name());
        this.vcpus = new VcpuThreads(spec.name(), router, () -> lifecycle.get().runs(), counters, changes);
        this.kept = new KeptFunctions(vm, spec.name(), counters);
        this.devicetree = new DevicetreePlacement(spec, boot);
        this.responders = new DoorbellResponders(router, counters);
        if (uartIrq != null) {
            responders.adopt(uartIrq.signal());
            responders.adopt(uartIrq.resample());
        }
        // The VM manager changes the VM's state on its own (an exit, a crash): awaitDown must hear it.
        this.stateChanges = vm.onStateChange(changes::signal);
    }

    /** Creates the VM and its RAM with the guest its boot protocol loads; on failure nothing is left. */
    static ManagedVmImpl create(
            VmManager manager,
            VmSpec spec,
            Consumer<String> consoleSink,
            Timeouts timeouts,
            DeviceModels models,
            Runnable onClose,
            Runnable onStart)
            throws GunyahException {
        spec.validate();
        BootPlan boot = BootPlan.read(spec); // the files are checked before anything is created
        Vm vm = spec.hypervisor().isPresent()
                ? manager.createVm(spec.hypervisor().get())
                : manager.createVm();
        GuestMemory memory = null;
        ManagedVmImpl made = null;
        EventFd uartSignal = null;
        EventFd uartResample = null;
        try {
            memory = GuestMemory.load(spec, boot, vm);
            UartIrq uartIrq = null;
            if (spec.devices().contains(Devices.Model.PL011)) {
                uartSignal = manager.createEventFd(0, EventFd.NONBLOCK);
                uartResample = manager.createEventFd(0, EventFd.NONBLOCK);
                uartIrq = new UartIrq(uartSignal, uartResample);
            }
            made = new ManagedVmImpl(spec, vm, memory, boot, consoleSink, uartIrq, timeouts, onClose, onStart);
            made.plug(manager, models);
            return made;
        } catch (GunyahException | RuntimeException | OutOfMemoryError e) {
            if (made != null) {
                made.close(); // it owns the VM, its RAM and the eventfds from its construction on
                throw e;
            }
            vm.close();
            if (uartSignal != null) {
                uartSignal.close();
            }
            if (uartResample != null) {
                uartResample.close();
            }
            if (memory != null) {
                memory.close();
            }
            throw e;
        }
    }

    /**
     * Puts the devices of device bundles on the bus, in slot order (see {@link PluggedDevice}).
     * Their doorbells are functions of the VM like any other; their interrupts are added at start.
     */
    private void plug(VmManager manager, DeviceModels models) throws GunyahException {
        PluggedDevice.Host host = new PluggedDevice.Host() {
            @Override
            public EventFd newEventFd() throws GunyahException {
                return manager.createEventFd(0, EventFd.NONBLOCK);
            }

            @Override
            public void addFunction(FunctionDesc desc) throws GunyahException {
                ManagedVmImpl.this.addFunction(desc);
            }

            @Override
            public void removeFunction(FunctionDesc desc) throws GunyahException {
                ManagedVmImpl.this.removeFunction(desc);
            }
        };
        List<DeviceSpec> specs = spec.pluggedDevices();
        for (int slot = 0; slot < specs.size(); slot++) {
            PluggedDevice p = PluggedDevice.plug(name(), specs.get(slot), slot, models, memory.devicesView(), host);
            plugged.add(p);
            p.eventFds().forEach(responders::adopt);
            bus.add(new DeviceBus.Window(
                    String.format("device %s at 0x%x", specs.get(slot).model(), p.base()),
                    p.base(),
                    p.size(),
                    p.registers()));
        }
    }

    @Override
    public List<DeviceInfo> devices() {
        return plugged.stream().map(PluggedDevice::info).toList();
    }

    /** The window of the plugged device in {@code slot}, for tests. */
    HeldRegisters pluggedRegisters(int slot) {
        return plugged.get(slot).registers();
    }

    /** The one place the lifecycle moves; every move wakes the waits. */
    private void move(UnaryOperator<Lifecycle> transition) {
        lifecycle.updateAndGet(transition);
        changes.signal();
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
            kept.added(desc);
            changes.signal();
            return handle;
        }
    }

    /** A new instance: a vCPU gets its thread when the VM runs. Caller holds {@code lock}. */
    private void bound(FunctionHandle handle) {
        if (handle.value().orElse(null) instanceof Vcpu vcpu) {
            vcpus.add(vcpu, lifecycle.get().runs());
        }
    }

    /** A provider of {@code type} is bound again: re-adds what its predecessor's departure unbound. */
    void restore(int type) {
        synchronized (lock) {
            if (!lifecycle.get().closing()) {
                kept.restore(type, this::bound);
            }
        }
        changes.signal();
    }

    @Override
    public List<FunctionDesc> missingFunctions() {
        synchronized (lock) {
            return kept.missing();
        }
    }

    @Override
    public boolean awaitFunctions(Duration timeout) throws InterruptedException {
        changes.await(() -> lifecycle.get().closing() || missingFunctions().isEmpty(), timeout);
        return !lifecycle.get().closing() && missingFunctions().isEmpty();
    }

    @Override
    public byte[] readGuest(long addr, int length) throws GunyahException {
        synchronized (lock) {
            requireOpen();
            return memory.read(addr, length);
        }
    }

    @Override
    public void writeGuest(long addr, byte[] data) throws GunyahException {
        synchronized (lock) {
            requireOpen();
            memory.write(addr, data);
        }
    }

    /** Closing frees RAM and the VM: ENODEV from its start on. */
    private void requireOpen() throws GunyahException {
        if (lifecycle.get().closing()) {
            throw GunyahException.of(Errno.ENODEV, "VM %s is closed", name());
        }
    }

    /** Aims irqfd {@code label}'s interrupt at vCPU {@code cpu} in the devicetree written at start. */
    void aim(int label, int cpu) {
        synchronized (lock) {
            devicetree.aim(label, cpu);
        }
    }

    @Override
    public void removeFunction(FunctionDesc desc) throws GunyahException {
        synchronized (lock) {
            List<FunctionDesc> before = vm.functions();
            vm.removeFunction(desc);
            List<FunctionDesc> after = vm.functions();
            kept.removed(before, after);
            vcpus.forgetRemoved(after);
        }
        changes.signal();
    }

    @Override
    public void start() throws GunyahException {
        synchronized (lock) {
            Lifecycle started = lifecycle.get().start(name()); // EBUSY or ENODEV before anything is written
            if (vcpus.none()) {
                throw GunyahException.of(Errno.EINVAL, "VM %s has no vcpu function to run", name());
            }
            if (uart != null) {
                // The PL011's interrupt: a level irqfd, kept (re-added after its bundle is replaced)
                // like the VM's own functions, whose doorbell the devicetree gives SPI 1. Resampled:
                // a line still up at the guest's EOI is signalled again (see LevelInterrupt).
                addFunction(new IrqfdArg(
                                uartIrq.signal().fd(),
                                Devices.PL011_LABEL,
                                IrqfdArg.LEVEL | IrqfdArg.RESAMPLE,
                                uartIrq.resample().fd())
                        .desc());
            }
            for (PluggedDevice p : plugged) {
                addFunction(p.interruptFunction()); // kept as the PL011's is
            }
            devicetree.place(
                    kept.all(),
                    plugged.stream()
                            .map(p -> new DevicetreeSources.DeviceNode(
                                    p.spec().model(), p.compatible(), p.base(), p.size(), p.spi(), p.label()))
                            .toList(),
                    memory,
                    vm);
            vm.start();
            move(l -> started); // lock held: neither close nor an exit can have moved it meanwhile
            vcpus.startAll();
            spec.supervision()
                    .watchdog()
                    .ifPresent(period -> watchdog = Watchdog.start(name(), period, this::noProgress));
        }
        onStart.run();
    }

    /** True once {@link #start} has run its course: the VM started (and may have ended since), or its start failed for good. */
    boolean pastStart() {
        return !(lifecycle.get() instanceof Lifecycle.Created) || vm.state().isDown();
    }

    /**
     * Linux's panic line: the guest has stopped for good (it spins, or resets with panic=N), so the
     * VM ends CRASHED saying so, whichever comes first of this and a reset.
     */
    static final String PANIC = "Kernel panic - not syncing";

    private void watchForPanic(String line) {
        int at = line.indexOf(PANIC);
        if (at >= 0) {
            move(l -> l.fail("guest kernel panic: " + line.substring(at).strip()));
            vcpus.kickAll();
        }
    }

    private void progress() {
        Watchdog w = watchdog;
        if (w != null) {
            w.progress();
        }
    }

    /** The watchdog's verdict: the guest printed nothing for {@code period}; where its vCPUs were is the reason. */
    private void noProgress(Duration period) {
        String reason = "watchdog: no console output for " + Numbers.format(period) + "; " + vcpus.positions();
        move(l -> l.fail(reason));
        vcpus.kickAll();
    }

    /** The exit register: the first write wins; every vCPU thread then ends. */
    private void guestExit(long code) {
        move(l -> l.exit(code));
        vcpus.kickAll();
    }

    /** The PL011's irqfd eventfd and its resample eventfd. */
    private record UartIrq(EventFd signal, EventFd resample) {}

    /** Closes {@code eventFd} with the VM. */
    void adopt(EventFd eventFd) {
        responders.adopt(eventFd);
    }

    /** Answers each ring of {@code doorbell} by signalling {@code irq} (see {@link DoorbellResponders}). */
    void respond(EventFd doorbell, EventFd irq, IoeventfdArg arg) {
        responders.respond(doorbell, irq, arg);
    }

    @Override
    public String status() {
        return lifecycle.get().status(vm);
    }

    @Override
    public String console() {
        return console.text();
    }

    @Override
    public Optional<Serial> serial() {
        return Optional.ofNullable(uart);
    }

    @Override
    public Stats stats() {
        return counters.snapshot(router, console);
    }

    @Override
    public int runningVcpus() {
        return vcpus.running();
    }

    @Override
    public boolean awaitDown(Duration timeout) throws InterruptedException {
        return changes.await(() -> lifecycle.get().guestDown(vm.state()) && vcpus.running() == 0, timeout);
    }

    @Override
    public boolean awaitRunningVcpus(int count, Duration timeout) throws InterruptedException {
        return vcpus.awaitRunning(count, timeout);
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (lifecycle.get().closing()) {
                return;
            }
            move(l -> l.close(vm));
        }
        Watchdog w = watchdog;
        if (w != null) {
            w.close();
        }
        plugged.forEach(p -> p.registers().close()); // a vCPU waiting on a device being replaced returns
        boolean stopped = vcpus.stop(timeouts.vcpuJoin());
        plugged.forEach(PluggedDevice::close);
        if (uart != null) {
            uart.close();
        }
        responders.unsubscribe();
        vm.close();
        responders.closeEventFds();
        // vm.close made any vCPU still in the backend return: a second chance before RAM goes.
        if (stopped || vcpus.stop(timeouts.vcpuJoin())) {
            memory.close();
        } else {
            // Freeing RAM under a vCPU thread that still runs would crash the host: leak it instead, loudly.
            LOG.log(
                    Level.ERROR,
                    "VM {0}: vCPU threads did not end within {1}; its RAM is not freed",
                    name(),
                    timeouts.vcpuJoin());
        }
        stateChanges.close();
        onClose.run();
        move(Lifecycle::closed);
    }
}
