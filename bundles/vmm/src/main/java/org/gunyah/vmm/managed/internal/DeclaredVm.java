package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.Supervision;
import org.gunyah.vmm.managed.VmDeclaration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One component per factory configuration {@value VmDeclaration#FACTORY_PID} ({@link VmConfiguration}):
 * the VM it declares is launched on a thread of its own (loading function bundles may take
 * seconds, which must not hold up Configuration Admin), and torn down when the guest goes down or
 * the configuration goes (or restarted, as a new VM, when the guest resets itself and the
 * declaration says {@code reset = restart}). A changed configuration re-creates the VM (DS deactivates and activates
 * the component). The guest's console goes to {@link ConsoleSink#logger}.
 */
@Component(
        configurationPid = VmDeclaration.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = VmConfiguration.class, factory = true)
public final class DeclaredVm {
    private static final Logger LOG = System.getLogger(DeclaredVm.class.getName());
    /** Framework property: the runtime's home folder, against which image paths resolve. */
    static final String HOME = "gunyah.home";

    private final Timeouts timeouts = Timeouts.DEFAULT;
    private final Thread lifecycle;
    private volatile ManagedVm vm;
    private volatile boolean gone;

    /** {@code properties} only for their names: a misspelt one must be refused, not ignored. */
    @Activate
    public DeclaredVm(
            @Reference ManagedVms vms, BundleContext context, VmConfiguration config, Map<String, Object> properties) {
        String home = context.getProperty(HOME);
        Path base = Path.of(home == null ? "" : home);
        Object pid = properties.get("service.pid");
        lifecycle = Thread.ofPlatform()
                .name("vm-" + config.name())
                .unstarted(() -> run(vms, config, properties.keySet(), base, pid));
        lifecycle.start();
    }

    private void run(ManagedVms vms, VmConfiguration config, Iterable<String> names, Path base, Object pid) {
        try {
            VmDeclaration.requireKnown(names);
            VmDeclaration declaration = VmDeclaration.read(source(config, names), base);
            ConsoleSink console = ConsoleSink.logger(declaration.spec().name());
            boolean restart = declaration.spec().supervision().onReset() == Supervision.OnReset.RESTART;
            while (true) {
                ManagedVm launched = vms.launch(declaration, console::line);
                vm = launched;
                if (gone) {
                    launched.close();
                    return;
                }
                LOG.log(Level.INFO, "VM {0} started with {1} vCPUs", launched.name(), declaration.vcpus());
                while (!launched.awaitDown(timeouts.declaredVmWatch())) {
                    // the guest still runs: watch on
                }
                if (gone) {
                    return;
                }
                boolean again = restart && launched.resetRequested();
                if (!again) {
                    console.ended(launched.status());
                }
                launched.close();
                if (!again) {
                    vm = null; // its end is told: deactivating later has nothing to say of it
                    return;
                }
                LOG.log(Level.INFO, "VM {0}: the guest reset itself; restarting it (reset = restart)", launched.name());
            }
        } catch (GunyahException e) {
            LOG.log(Level.ERROR, "VM {0} from configuration {1}: {2}", config.name(), pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What {@code config} declares, {@code names} being the properties the configuration has: a
     * {@code devices} it does not have is absent (the defaults for its boot, see
     * {@link org.gunyah.vmm.managed.Devices#defaults}), not the annotation's default. A .cfg file's
     * list is one string with commas, which DS hands over as a one-element array.
     */
    static VmDeclaration.Source source(VmConfiguration config, Iterable<String> names) {
        boolean devices = false;
        for (String name : names) {
            devices |= name.equals("devices");
        }
        return new VmDeclaration.Source(
                Optional.ofNullable(config.name()),
                Optional.of(config.hypervisor()),
                Optional.of(config.memory()),
                Optional.of(config.image()),
                Optional.of(config.vcpus()),
                entries(config.irqfds()),
                entries(config.ioeventfds()),
                devices ? Optional.of(entries(config.devices())) : Optional.empty(),
                entries(config.functions()),
                Optional.of(config.kernel()),
                Optional.of(config.initrd()),
                Optional.of(config.bootargs()),
                Optional.of(config.watchdog()),
                Optional.of(config.reset()));
    }

    private static List<String> entries(String[] values) {
        return values == null
                ? List.of()
                : Arrays.stream(values)
                        .flatMap(v -> Arrays.stream(v.split(",")))
                        .toList();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        gone = true;
        ManagedVm current = vm;
        if (current != null) {
            current.close();
        }
        lifecycle.interrupt();
        lifecycle.join(timeouts.declaredVmEnd());
        current = vm;
        if (current != null) {
            current.close();
            // The declaration went away or the runtime stops (bin/gunyah stop, SIGTERM): say so on the
            // VM's console, as when the guest ends by itself.
            ConsoleSink.logger(current.name()).ended(current.status());
        }
    }
}
