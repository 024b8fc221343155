package org.gunyah.vmm.vmm.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.vmm.ManagedVm;
import org.gunyah.vmm.vmm.ManagedVms;
import org.gunyah.vmm.vmm.VmDeclaration;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * One component per factory configuration {@value VmDeclaration#FACTORY_PID}: the VM it declares
 * is launched on a thread of its own (loading function bundles may take seconds, which must not
 * hold up Configuration Admin), and torn down when the guest goes down or the configuration goes.
 * A changed configuration re-creates the VM (DS deactivates and activates the component).
 */
@Component(configurationPid = VmDeclaration.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
public final class DeclaredVm {
    private static final Logger LOG = System.getLogger(DeclaredVm.class.getName());
    /** Framework property: the runtime's home folder, against which image paths resolve. */
    static final String HOME = "gunyah.home";

    private final Thread lifecycle;
    private volatile ManagedVm vm;
    private volatile boolean gone;

    @Activate
    public DeclaredVm(@Reference ManagedVms vms, BundleContext context, Map<String, Object> properties) {
        String home = context.getProperty(HOME);
        Path base = Path.of(home == null ? "" : home);
        Object name = properties.get("name");
        lifecycle = Thread.ofPlatform().name("vm-" + name).unstarted(() -> run(vms, properties, base));
        lifecycle.start();
    }

    private void run(ManagedVms vms, Map<String, Object> properties, Path base) {
        try {
            VmDeclaration declaration = VmDeclaration.parse(properties, base);
            String name = declaration.spec().name();
            // A declared VM's console is the runtime's, as a serial port on the VMM's terminal would be.
            ManagedVm launched = vms.launch(declaration, line -> System.out.println("[" + name + "] " + line));
            vm = launched;
            if (gone) {
                launched.close();
                return;
            }
            LOG.log(Level.INFO, "VM {0} started with {1} vCPUs", launched.name(), declaration.vcpus());
            while (!launched.awaitDown(Duration.ofSeconds(1))) {
                if (gone) {
                    return;
                }
            }
            System.out.println("[" + name + "] the guest is down (" + launched.status() + "); the VM is torn down");
            launched.close();
        } catch (GunyahException e) {
            LOG.log(Level.ERROR, "VM {0} from configuration {1}: {2}", properties.get("name"),
                    properties.get("service.pid"), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        gone = true;
        ManagedVm current = vm;
        if (current != null) {
            current.close();
        }
        lifecycle.interrupt();
        lifecycle.join(Duration.ofSeconds(10));
        current = vm;
        if (current != null) {
            current.close();
        }
    }
}
