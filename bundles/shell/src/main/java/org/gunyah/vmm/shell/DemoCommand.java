package org.gunyah.vmm.shell;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.spi.ProvideVmFunction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code gunyah:demo}: runs the shipped demo VM ({@code guests/demo-<backend>.cfg}, else
 * {@code guests/demo.cfg}, under the runtime's home)
 * the way a declared VM runs, printing what happens (function bundles loading on demand, the
 * guest's console) and ending with one {@code demo: OK ...} line, or a {@code demo: FAILED} one.
 */
@Component(
        service = DemoCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=demo"})
public final class DemoCommand {
    private static final Duration GUEST_TIMEOUT = Duration.ofSeconds(60);

    private final VmManager manager;
    private final ManagedVms vms;
    private final BundleContext context;

    @Activate
    public DemoCommand(@Reference VmManager manager, @Reference ManagedVms vms, BundleContext context) {
        this.manager = manager;
        this.vms = vms;
        this.context = context;
    }

    @Descriptor("run the demo VM: a guest that greets, rings an ioeventfd doorbell and takes irqfd interrupts")
    public String demo(
            CommandSession session,
            @Descriptor("backend to run on (default: the preferred one)")
                    @Parameter(names = "--hypervisor", absentValue = "")
                    String hypervisor,
            @Descriptor("VM declaration to run instead of guests/demo.cfg")
                    @Parameter(names = "--config", absentValue = "")
                    String config)
            throws DemoFailure {
        PrintStream out = session == null ? System.out : session.getConsole();
        Path home = Path.of(context.getProperty("gunyah.home") == null ? "" : context.getProperty("gunyah.home"));
        List<String> backends = manager.hypervisors();
        if (backends.isEmpty()) {
            throw new DemoFailure("no hypervisor backend is running");
        }
        String backend = hypervisor.isEmpty() ? backends.getFirst() : hypervisor;
        Path file = config.isEmpty() ? demoFor(home.resolve("guests"), backend) : home.resolve(config);
        Map<String, Object> properties = read(file);
        properties.put("hypervisor", backend);
        out.println("demo: hypervisors " + String.join(", ", backends) + "; running on " + backend);
        out.println("demo: function bundles before the VM: " + functionBundles());

        BundleListener loading = event -> {
            if (event.getType() == BundleEvent.STARTED && declaredFunction(event.getBundle()) != null) {
                out.println("demo: started " + event.getBundle().getSymbolicName() + " on first use ("
                        + declaredFunction(event.getBundle()) + ")");
            }
        };
        context.addBundleListener(loading);
        ManagedVm vm;
        try {
            VmDeclaration declaration = VmDeclaration.parse(properties, home);
            vm = vms.launch(declaration, line -> out.println("demo: guest: " + line));
            out.println("demo: VM " + vm.name() + " (id " + vm.vm().id() + ") started with " + declaration.vcpus()
                    + " vCPUs");
        } catch (GunyahException e) {
            throw new DemoFailure(e.getMessage());
        } finally {
            context.removeBundleListener(loading);
        }
        try {
            boolean down = vm.awaitDown(GUEST_TIMEOUT);
            ManagedVm.Stats stats = vm.stats();
            String status = vm.status();
            if (!down) {
                throw new DemoFailure(
                        "the guest did not finish within " + GUEST_TIMEOUT.toSeconds() + " s (status " + status + ")");
            }
            if (!stats.errors().isEmpty()) {
                throw new DemoFailure(stats.errors().getFirst());
            }
            if (!status.equals("EXITED(0)")) {
                throw new DemoFailure("the guest ended with status " + status);
            }
            return String.format(
                    "demo: OK hypervisor=%s vcpus=%d mmio_exits=%d ioeventfd_signals=%d irqfd_interrupts=%d status=%s",
                    vm.vm().hypervisor(),
                    vm.vm().functions().stream()
                            .filter(f -> f.type() == org.gunyah.vmm.api.FunctionType.VCPU)
                            .count(),
                    stats.mmioExits(),
                    stats.doorbellSignals(),
                    stats.interruptsSent(),
                    status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DemoFailure("interrupted");
        } finally {
            vm.close();
        }
    }

    /** Each backend runs its own build of the guest: demo-<backend>.cfg where there is one, else demo.cfg. */
    private static Path demoFor(Path guests, String backend) {
        Path own = guests.resolve("demo-" + backend + ".cfg");
        return Files.exists(own) ? own : guests.resolve("demo.cfg");
    }

    private static Map<String, Object> read(Path file) throws DemoFailure {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new DemoFailure("cannot read the demo VM declaration " + file + ": " + e.getMessage());
        }
        Map<String, Object> properties = new HashMap<>();
        p.stringPropertyNames().forEach(k -> properties.put(k, p.getProperty(k)));
        return properties;
    }

    private String functionBundles() {
        StringBuilder b = new StringBuilder();
        for (Bundle bundle : context.getBundles()) {
            String declared = declaredFunction(bundle);
            if (declared != null) {
                b.append(b.isEmpty() ? "" : ", ").append(declared).append(' ').append(state(bundle.getState()));
            }
        }
        return b.isEmpty() ? "none" : b.toString();
    }

    /** "type N name" for a bundle declaring a gunyah.function capability, else null. */
    private static String declaredFunction(Bundle bundle) {
        BundleRevision r = bundle.adapt(BundleRevision.class);
        if (r == null) {
            return null;
        }
        for (BundleCapability c : r.getDeclaredCapabilities(ProvideVmFunction.NAMESPACE)) {
            return c.getAttributes().get(ProvideVmFunction.NAMESPACE) + " (type "
                    + c.getAttributes().get(ProvideVmFunction.TYPE_ATTRIBUTE) + ")";
        }
        return null;
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }
}
