package org.gunyah.vmm.shell;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmOverview;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code gunyah:functions}, {@code deploy}, {@code undeploy} (the lsmod, insmod and rmmod of
 * functions), {@code vms}, and {@code shutdown}.
 */
@Component(
        service = AdminCommands.class,
        property = {
            "osgi.command.scope=gunyah",
            "osgi.command.function=functions",
            "osgi.command.function=deploy",
            "osgi.command.function=undeploy",
            "osgi.command.function=vms",
            "osgi.command.function=shutdown",
            "osgi.command.function=exit",
            "osgi.command.function=help"
        })
public final class AdminCommands {
    private final FunctionAdmin admin;
    private final org.osgi.framework.BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ManagedVms managed;

    @Activate
    public AdminCommands(@Reference FunctionAdmin admin, org.osgi.framework.BundleContext context) {
        this.admin = admin;
        this.context = context;
    }

    @Descriptor("stop the runtime: every VM is torn down, then every bundle stops")
    public String shutdown() throws org.osgi.framework.BundleException {
        context.getBundle(org.osgi.framework.Constants.SYSTEM_BUNDLE_LOCATION).stop();
        return "shutting down";
    }

    @Descriptor("stop the runtime, as shutdown does, with exit status 0")
    public void exit() throws org.osgi.framework.BundleException {
        exit(0);
    }

    /**
     * Hands {@code status} to the launcher ({@code bin/gunyah} exits with it), which stops the
     * framework on a thread of its own: the console's thread, which runs this command, is one the
     * stop ends, so it must not wait for it. Without a launcher (an embedded framework) it stops
     * the framework as {@link #shutdown} does.
     */
    @Descriptor("stop the runtime (every VM is torn down) with an exit status")
    public void exit(@Descriptor("the runtime's exit status") int status) throws org.osgi.framework.BundleException {
        try {
            for (org.osgi.framework.ServiceReference<IntConsumer> ref : context.getServiceReferences(
                    IntConsumer.class, "(" + ScriptRunner.EXIT_PROPERTY + "=exit-status)")) {
                IntConsumer launcher = context.getService(ref);
                if (launcher != null) {
                    try {
                        launcher.accept(status);
                        return;
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        shutdown();
    }

    /**
     * Gogo's {@code help} lists only commands that are Java methods of their service, which a
     * hyphenated name cannot be: this one lists Gogo's and adds the gunyah commands. The console
     * (and {@code -c}) look in scope gunyah first, so {@code help} is this one.
     */
    @Descriptor("list every command")
    public String help(CommandSession session) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        Object gogo = gogoHelp(session, null);
        if (gogo != null) {
            gogo.toString().lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(names::add);
        }
        names.add("gunyah:gunyah");
        VmCommands.USAGES.forEach(u -> names.add("gunyah:" + u.name()));
        return String.join("\n", names);
    }

    @Descriptor("explain a command")
    public Object help(CommandSession session, @Descriptor("the command, with or without its scope") String name) {
        String bare = name.startsWith("gunyah:") ? name.substring("gunyah:".length()) : name;
        for (CommandLine.Usage u : VmCommands.USAGES) {
            if (u.name().equals(bare)) {
                return u.line() + "\n    " + u.description();
            }
        }
        Object gogo = gogoHelp(session, name);
        return gogo == null ? "no command " + name + " (help lists them)" : gogo;
    }

    /** Gogo's own {@code help} (felix:help, of {@code name}, when not null), or null when there is none. */
    private static Object gogoHelp(CommandSession session, String name) {
        if (session == null) {
            return null;
        }
        Object before = session.get(HELP_ARG);
        try {
            if (name == null) {
                return session.execute("felix:help");
            }
            session.put(HELP_ARG, name); // a variable, so that the name is never parsed as Gogo code
            return session.execute("felix:help $" + HELP_ARG);
        } catch (Exception e) {
            return null;
        } finally {
            session.put(HELP_ARG, before);
        }
    }

    private static final String HELP_ARG = "gunyah_help_name";

    @Descriptor("list the function types: their bundle, its state, instances and the VMs using them")
    public FunctionTable functions() {
        VmNames names = new VmNames(managed);
        List<FunctionTable.Row> rows = new ArrayList<>();
        for (FunctionTypeInfo t : admin.functionTypes()) {
            long type = Integer.toUnsignedLong(t.type());
            String users = new TreeMap<>(t.instancesByVm())
                    .entrySet().stream()
                            .map(e -> names.label(e.getKey()) + "(" + e.getValue() + ")")
                            .collect(Collectors.joining(" "));
            rows.add(row(type, t.provider(), t.provider().state(), t.instances(), users.isEmpty() ? "-" : users));
            for (ProviderInfo refused : t.refused()) {
                rows.add(row(type, refused, "REFUSED", 0, "-"));
            }
        }
        return new FunctionTable(rows);
    }

    private static FunctionTable.Row row(long type, ProviderInfo p, String state, int instances, String users) {
        String bundle = p.bundleId() < 0 ? "-" : p.bundleId() + " " + p.symbolicName();
        return new FunctionTable.Row(type, p.name(), bundle, p.version(), state, instances, users);
    }

    @Descriptor("install and start a function bundle from a file or URL, copying it into the function folder")
    public String deploy(CommandSession session, @Descriptor("path or URL of the bundle jar") String source)
            throws GunyahException {
        FunctionTypeInfo t = admin.deploy(toUri(session, source));
        ProviderInfo p = t.provider();
        return String.format(
                "deployed %s (type %d) from bundle %d %s %s",
                p.name(), Integer.toUnsignedLong(t.type()), p.bundleId(), p.symbolicName(), p.version());
    }

    private static URI toUri(CommandSession session, String source) throws GunyahException {
        try {
            if (source.matches("[a-zA-Z][a-zA-Z0-9+.-]+:.*") && !source.matches("[a-zA-Z]:\\\\.*")) {
                return URI.create(source);
            }
            Path dir = session == null || session.currentDir() == null ? Path.of("") : session.currentDir();
            return dir.resolve(source).toAbsolutePath().normalize().toUri();
        } catch (IllegalArgumentException e) {
            throw GunyahException.of(
                    org.gunyah.vmm.api.Errno.EINVAL, "'%s' is neither a path nor a URL: %s", source, e.getMessage());
        }
    }

    @Descriptor("stop a function type's bundle; refused while VMs use it unless forced")
    public String undeploy(
            @Descriptor("unbind every instance first (vCPUs stop running, doorbells and interrupts go)")
                    @Parameter(
                            names = {"-f", "--force"},
                            presentValue = "true",
                            absentValue = "false")
                    boolean force,
            @Descriptor("also uninstall the bundle and delete it from the function folder")
                    @Parameter(
                            names = {"-u", "--uninstall"},
                            presentValue = "true",
                            absentValue = "false")
                    boolean uninstall,
            @Descriptor("function type number or name") String typeOrName)
            throws GunyahException {
        List<UndeployOption> options = new ArrayList<>();
        if (force) {
            options.add(UndeployOption.FORCE);
        }
        if (uninstall) {
            options.add(UndeployOption.UNINSTALL);
        }
        int instances = admin.functionTypes().stream()
                .filter(t -> typeOrName.equals(Integer.toUnsignedString(t.type()))
                        || typeOrName.equals(t.provider().name()))
                .mapToInt(FunctionTypeInfo::instances)
                .sum();
        admin.undeploy(typeOrName, options.toArray(UndeployOption[]::new));
        return "undeployed " + typeOrName + (uninstall ? ": bundle uninstalled" : ": bundle stopped")
                + (instances > 0 ? ", " + instances + " instance" + (instances == 1 ? "" : "s") + " unbound" : "");
    }

    @Descriptor("list the VMs: id, name, hypervisor, status, vCPUs and functions (and those waiting for their bundle)")
    public VmTable vms() {
        return new VmTable(VmOverview.of(admin, managed));
    }
}
