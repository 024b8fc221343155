package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.managed.FunctionFields;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.VmSpec;

/** The named VMs, usable without OSGi: the component and the tests both drive this. */
public final class ManagedVmRegistry implements ManagedVms, AutoCloseable {
    private static final Logger LOG = System.getLogger(ManagedVmRegistry.class.getName());

    private final VmManager manager;
    private final Timeouts timeouts;
    /** Guards {@link #byName}; {@link #await} waits on {@link #vmsChanged}. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Condition vmsChanged = lock.newCondition();
    private final Map<String, ManagedVm> byName = new LinkedHashMap<>();
    /**
     * Re-adds functions off the thread that registered their provider, one type at a time. Its
     * one thread lives as long as the registry, started with it rather than on first use.
     */
    private final ThreadPoolExecutor restorer = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            Thread.ofPlatform().daemon().name("vmm-restore").factory());

    private final VmManager.Subscription provided;
    /** The device models of device bundles, as the component's references give them. */
    private final DeviceModels models = new DeviceModels();

    private final TypeNames typeNames;

    /** The type number of a function type's name, among the types the framework knows; empty when none has it. */
    @FunctionalInterface
    public interface TypeNames {
        Optional<Integer> typeOf(String name);

        /** The built-in names only: vcpu, irqfd, ioeventfd. */
        TypeNames BUILTIN = name -> new VmDeclaration.Named(name, List.of()).builtinType();
    }

    public ManagedVmRegistry(VmManager manager) {
        this(manager, TypeNames.BUILTIN);
    }

    /** A registry whose declarations name function types through {@code typeNames}. */
    public ManagedVmRegistry(VmManager manager, TypeNames typeNames) {
        this(manager, Timeouts.DEFAULT, typeNames);
    }

    ManagedVmRegistry(VmManager manager, Timeouts timeouts) {
        this(manager, timeouts, TypeNames.BUILTIN);
    }

    ManagedVmRegistry(VmManager manager, Timeouts timeouts, TypeNames typeNames) {
        this.manager = manager;
        this.timeouts = timeouts;
        this.typeNames = typeNames;
        restorer.prestartCoreThread();
        this.provided = manager.onFunctionProvided(type -> restorer.execute(() -> restore(type)));
    }

    @Override
    public java.util.Set<String> deviceModels() {
        return models.names();
    }

    /** A device bundle's model is here: VMs may name it, and devices waiting for it take it. */
    public void addDeviceModel(DeviceModel model) {
        models.add(model);
    }

    /** A device bundle's model is going: the devices it made hand their state over and wait for its successor. */
    public void removeDeviceModel(DeviceModel model) {
        models.remove(model);
    }

    private void restore(int type) {
        for (ManagedVm vm : list()) {
            ((ManagedVmImpl) vm).restore(type);
        }
    }

    @Override
    public ManagedVm create(VmSpec spec) throws GunyahException {
        return create(spec, line -> LOG.log(Level.INFO, "[{0}] {1}", spec.name(), line));
    }

    @Override
    public ManagedVm create(VmSpec spec, java.util.function.Consumer<String> console) throws GunyahException {
        spec.validate();
        lock.lock();
        try {
            // Reserve the name first so that two creates of one name cannot both build a VM.
            if (byName.containsKey(spec.name())) {
                throw GunyahException.of(Errno.EEXIST, "a VM named %s exists", spec.name());
            }
            byName.put(spec.name(), null);
        } finally {
            lock.unlock();
        }
        try {
            ManagedVm vm = ManagedVmImpl.create(
                    manager, spec, console, timeouts, models, () -> forget(spec.name()), this::changed);
            lock.lock();
            try {
                byName.put(spec.name(), vm);
                vmsChanged.signalAll();
            } finally {
                lock.unlock();
            }
            return vm;
        } catch (GunyahException | RuntimeException e) {
            forget(spec.name());
            throw e;
        }
    }

    @Override
    public ManagedVm launch(VmDeclaration declaration) throws GunyahException {
        String name = declaration.spec().name();
        return launch(declaration, line -> LOG.log(Level.INFO, "[{0}] {1}", name, line));
    }

    @Override
    public ManagedVm launch(VmDeclaration declaration, java.util.function.Consumer<String> console)
            throws GunyahException {
        String name = declaration.spec().name();
        List<FunctionFields> named = new ArrayList<>();
        for (VmDeclaration.Named f : declaration.functions()) {
            int type = typeNames
                    .typeOf(f.name())
                    .or(f::builtinType)
                    .orElseThrow(() -> GunyahException.of(
                            Errno.ENOENT,
                            "VM %s declares function %s: no function type named %s is installed or provided"
                                    + " (gunyah:functions lists them; deploy its bundle)",
                            name,
                            f,
                            f.name()));
            named.add(f.fields(type));
        }
        ManagedVmImpl vm = (ManagedVmImpl) create(declaration.spec(), console);
        try {
            for (int id = 0; id < declaration.vcpus(); id++) {
                vm.addFunction(new VcpuArg(id).desc());
            }
            Map<Integer, EventFd> irqs = new HashMap<>();
            for (VmDeclaration.Interrupt irqfd : declaration.irqfds()) {
                EventFd fd = eventFd(vm);
                FunctionDesc desc = irqfd.fields().desc(fd.fd());
                vm.addFunction(desc);
                int label = IrqfdArg.decode(desc.arg()).label();
                irqs.putIfAbsent(label, fd);
                irqfd.cpu().ifPresent(cpu -> vm.aim(label, cpu));
            }
            for (VmDeclaration.Doorbell doorbell : declaration.ioeventfds()) {
                EventFd fd = eventFd(vm);
                FunctionDesc desc = doorbell.fields().desc(fd.fd());
                vm.addFunction(desc);
                if (doorbell.irq().isPresent()) {
                    vm.respond(fd, irqs.get(doorbell.irq().get()), IoeventfdArg.decode(desc.arg()));
                }
            }
            for (FunctionFields f : named) {
                vm.addFunction(f.desc(f.needsEventFd() ? eventFd(vm).fd() : 0));
            }
            vm.start();
            return vm;
        } catch (GunyahException | RuntimeException e) {
            vm.close();
            throw e;
        }
    }

    private EventFd eventFd(ManagedVmImpl vm) throws GunyahException {
        EventFd fd = manager.createEventFd(0, EventFd.NONBLOCK);
        vm.adopt(fd);
        return fd;
    }

    private void forget(String name) {
        lock.lock();
        try {
            byName.remove(name);
            vmsChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A VM started: wakes {@link #await}. */
    private void changed() {
        lock.lock();
        try {
            vmsChanged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ManagedVm> find(String nameOrId) {
        lock.lock();
        try {
            ManagedVm vm = byName.get(nameOrId);
            if (vm != null) {
                return Optional.of(vm);
            }
            return byName.values().stream()
                    .filter(v -> v != null && String.valueOf(v.vm().id()).equals(nameOrId))
                    .findFirst();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<ManagedVm> await(String name, java.time.Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            // Past its start, not merely past CREATED: the VM is STARTING while the start still runs.
            while (byName.get(name) == null || !((ManagedVmImpl) byName.get(name)).pastStart()) {
                if (left <= 0) {
                    return Optional.empty();
                }
                left = vmsChanged.awaitNanos(left);
            }
            return Optional.of(byName.get(name));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<ManagedVm> list() {
        lock.lock();
        try {
            return byName.values().stream().filter(v -> v != null).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every VM, newest first. */
    @Override
    public void close() {
        provided.close();
        restorer.shutdownNow();
        try {
            if (!restorer.awaitTermination(timeouts.restorerEnd().toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, "the restore thread did not end within {0}", timeouts.restorerEnd());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ManagedVm> all = new ArrayList<>(list());
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
    }
}
