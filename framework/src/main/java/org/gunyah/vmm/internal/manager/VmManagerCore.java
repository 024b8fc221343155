package org.gunyah.vmm.internal.manager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.api.admin.VmInfo;
import org.gunyah.vmm.internal.eventfd.FdTable;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.internal.registry.FunctionRegistry;
import org.gunyah.vmm.internal.vm.VmEnvironment;
import org.gunyah.vmm.internal.vm.VmImpl;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;

/**
 * The VM manager without OSGi: VMs, backends, function providers and eventfds. The Declarative
 * Services component feeds it services; unit tests feed it plain objects.
 */
public final class VmManagerCore implements VmManager {
    private final FunctionRegistry registry = new FunctionRegistry();
    private final HypervisorSet hypervisors = new HypervisorSet();
    private final FdTable fds = new FdTable((number, initval, flags) -> {
        Optional<Hypervisor> h = hypervisors.preferred();
        return h.isEmpty() ? Optional.empty() : h.get().createEventFd(number, initval, flags);
    });
    private final Map<Integer, VmImpl> vms = new ConcurrentSkipListMap<>();
    private final AtomicInteger nextVmId = new AtomicInteger(1);
    private volatile VmEnvironment env;
    private volatile VmEnvironment.ProviderResolver resolver = registry::lookup;

    /** Threads that unbind a leaving provider's instances, one VM each at a time. */
    private static final int MAX_UNBINDERS = 8;

    public VmManagerCore(FrameworkSettings settings) {
        configure(settings);
        registry.addListener(this::unbindEverywhere);
    }

    /** The default settings but for the resource manager's timeout (for tests and embedders). */
    public VmManagerCore(Duration rmTimeout) {
        this(FrameworkSettings.DEFAULTS.withRmTimeout(rmTimeout));
    }

    /** The default settings but for both VM timeouts (for tests and embedders). */
    public VmManagerCore(Duration rmTimeout, Duration callTimeout) {
        this(FrameworkSettings.DEFAULTS.withRmTimeout(rmTimeout).withCallTimeout(callTimeout));
    }

    /** New settings: VMs created from now on use their timeouts; existing VMs keep the ones they began with. */
    public void configure(FrameworkSettings settings) {
        env = new VmEnvironment(
                registry, type -> resolver.resolve(type), fds::lookup, settings.rmTimeout(), settings.callTimeout());
    }

    /**
     * A provider is leaving: every VM unbinds its instances, all VMs at once, and this returns
     * when all are done. A vCPU's unbind waits for its runner to leave the guest, which on a busy
     * host takes a scheduling round; one VM after another, those waits would add up over many VMs.
     */
    private void unbindEverywhere(FunctionProvider provider) {
        List<VmImpl> all = List.copyOf(vms.values());
        if (all.size() <= 1) {
            all.forEach(vm -> vm.unbindProvider(provider));
            return;
        }
        // Platform threads that end with the pool: virtual ones would leave the JDK's carrier threads behind.
        try (ExecutorService unbinders = Executors.newFixedThreadPool(
                Math.min(all.size(), MAX_UNBINDERS),
                Thread.ofPlatform()
                        .daemon()
                        .name("unbind-" + Integer.toUnsignedString(provider.type()) + "-", 0)
                        .factory())) {
            all.forEach(vm -> unbinders.execute(() -> vm.unbindProvider(provider)));
        }
    }

    public FunctionRegistry registry() {
        return registry;
    }

    /** How a type without a bound provider is found: by default it is not (ENOENT). */
    public void setResolver(VmEnvironment.ProviderResolver resolver) {
        this.resolver = resolver;
    }

    public FdTable fds() {
        return fds;
    }

    public void addHypervisor(Hypervisor h, int ranking, long serviceId) {
        hypervisors.add(h, ranking, serviceId);
    }

    /** A backend is going away: its VMs cannot outlive it. */
    public void removeHypervisor(Hypervisor h) {
        hypervisors.remove(h);
        vms.values().stream().filter(vm -> vm.hypervisorBackend() == h).toList().forEach(VmImpl::close);
    }

    /** Closes every VM (the manager is shutting down). */
    public void closeAll() {
        List.copyOf(vms.values()).reversed().forEach(VmImpl::close);
    }

    @Override
    public Vm createVm() throws GunyahException {
        Hypervisor h = hypervisors
                .preferred()
                .orElseThrow(() -> GunyahException.of(Errno.ENODEV, "no hypervisor backend is available"));
        return create(h);
    }

    @Override
    public Vm createVm(String hypervisor) throws GunyahException {
        Hypervisor h = hypervisors
                .named(hypervisor)
                .orElseThrow(() -> GunyahException.of(
                        Errno.ENODEV,
                        "no hypervisor backend named '%s' (available: %s)",
                        hypervisor,
                        hypervisors.names()));
        return create(h);
    }

    private Vm create(Hypervisor h) {
        int id = nextVmId.getAndIncrement();
        VmImpl vm = new VmImpl(id, h, env, closed -> vms.remove(closed.id(), closed));
        vms.put(id, vm);
        return vm;
    }

    @Override
    public List<String> hypervisors() {
        return hypervisors.names();
    }

    @Override
    public List<Vm> vms() {
        return List.copyOf(vms.values());
    }

    @Override
    public Optional<Vm> vm(int id) {
        return Optional.ofNullable(vms.get(id));
    }

    @Override
    public EventFd createEventFd(long initval, int flags) throws GunyahException {
        return fds.create(initval, flags);
    }

    @Override
    public Subscription onFunctionProvided(java.util.function.IntConsumer listener) {
        registry.addProvidedListener(listener);
        return () -> registry.removeProvidedListener(listener);
    }

    // the admin view (FunctionAdmin without deploy, which needs the OSGi framework)

    public List<FunctionTypeInfo> functionTypes() {
        List<FunctionTypeInfo> out = new ArrayList<>();
        registry.snapshot().forEach((type, entry) -> out.add(info(type, entry)));
        return out;
    }

    public Optional<FunctionTypeInfo> functionType(int type) {
        FunctionRegistry.Entry e = registry.snapshot().get(type);
        return e == null ? Optional.empty() : Optional.of(info(type, e));
    }

    private FunctionTypeInfo info(int type, FunctionRegistry.Entry e) {
        Map<Integer, Integer> users = new HashMap<>();
        for (VmImpl vm : vms.values()) {
            int n = vm.instancesOf(e.bound());
            if (n > 0) {
                users.put(vm.id(), n);
            }
        }
        List<ProviderInfo> refused =
                e.refused().stream().map(FunctionProvider::info).toList();
        return new FunctionTypeInfo(type, e.bound().info(), refused, users);
    }

    public List<VmInfo> listVms() {
        return vms.values().stream()
                .map(vm -> {
                    VmImpl.Holdings h = vm.holdings();
                    return new VmInfo(
                            vm.id(),
                            vm.hypervisor(),
                            vm.state(),
                            vm.functions(),
                            h.tickets(),
                            h.ioHandlers(),
                            h.unclaimedResources());
                })
                .toList();
    }
}
