package org.gunyah.vmm.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.apache.felix.framework.FrameworkFactory;
import org.apache.felix.main.AutoProcessor;
import org.apache.felix.main.Main;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/**
 * What {@code bin/gunyah} runs: boots Felix from {@code conf/config.properties} (the Felix
 * launcher's own loading and auto-deploy of {@code system/}), then either starts the Gogo console
 * ({@code system/console/}), or hands a script to the shell bundle's runner through the framework
 * property {@code gunyah.script} and exits with the status that runner reports. The framework
 * cache ({@link FrameworkCache}) keeps the bundles of {@code system/} from one start to the next;
 * the folders ({@code functions/}, {@code deploy/}, {@code conf/}) are the runtime's state.
 */
public final class Launcher {
    /** The interactive console's prompt, as etc/gosh_profile sets it. */
    static final String CONSOLE_PROMPT = "g! ";

    static final String HOME = "gunyah.home";
    /**
     * The folders of {@code system/} whose bundles the interactive console does not wait for: the
     * Web Console's ({@code web/}: Jetty, the Felix Web Console, ours) and the remote consoles'
     * ({@code remote/}: the console socket and SSH, with Apache SSHD and Bouncy Castle, whose
     * resolution and start the console need not wait for). They have {@link #LATER_START_LEVEL}.
     */
    static final List<String> LATER = List.of("web", "remote");

    static final int LATER_START_LEVEL = 2;
    /** How long after the console's start the later bundles start at the latest (DeferredStart). */
    static final java.time.Duration LATER_DELAY = java.time.Duration.ofSeconds(1);
    /** Set by {@code bin/gunyah start}: no terminal, so the log goes to {@code log/} only. */
    static final String BACKGROUND = "GUNYAH_BACKGROUND";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Mode mode = Mode.parse(args);
        if (mode instanceof Mode.Usage usage) {
            if (usage.problem() != null) {
                System.err.println("gunyah: " + usage.problem());
            }
            (usage.problem() == null ? System.out : System.err).println(usage.usage());
            System.exit(usage.problem() == null ? 0 : 2);
        }
        Path home = Path.of(System.getProperty(HOME, ".")).toAbsolutePath().normalize();
        System.setProperty(HOME, home.toString());
        if (mode instanceof Mode.Client client) {
            Path socket = home.resolve(System.getProperty("gunyah.console.socket", "data/gunyah.sock"));
            System.exit(Client.run(socket, client.statements(), System.in, System.out, System.err));
        }
        System.setProperty(
                Main.CONFIG_PROPERTIES_PROP,
                home.resolve("conf").resolve("config.properties").toUri().toString());
        Map<String, String> config = Main.loadConfigProperties();
        if (config == null) {
            System.err.println("gunyah: cannot read " + home.resolve("conf/config.properties"));
            System.exit(2);
        }
        // A -D on the command line (GUNYAH_JAVA_OPTS) wins over the same setting in config.properties.
        for (String key : System.getProperties().stringPropertyNames()) {
            if (config.containsKey(key)) {
                config.put(key, System.getProperty(key));
            }
        }
        // pax-logging (the SLF4J behind Jetty and the Web Console) reads its level from system properties only.
        config.forEach((key, value) -> {
            if (key.startsWith("org.ops4j.pax.logging.") && System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
        WebConsolePort.check(config, System.getProperties(), System.out);
        config.put(HOME, home.toString());
        FrameworkCache cache = FrameworkCache.open(home, config);
        config.put("org.osgi.framework.storage", cache.storage().toString());
        config.put(FrameworkCache.CLEAN, cache.reused() ? "none" : "onFirstInit");
        config.put(FrameworkCache.STATE, cache.state());
        // The interactive console raises it to the later bundles' once it is up (installLater); a
        // script that needs no Web Console never does.
        boolean later = mode instanceof Mode.Interactive || mode instanceof Mode.Script s && !s.webConsole();
        config.put(FrameworkCache.BEGINNING_START_LEVEL, Integer.toString(later ? 1 : LATER_START_LEVEL));
        if (mode instanceof Mode.Script script) {
            config.put("gunyah.script", script.statements());
            // A one-shot run opens no remote console: none would outlive it, and a runtime that runs as a
            // service in the same folder already has the socket and the SSH port.
            config.put("gunyah.remote.consoles", "false");
        }
        PidFile pid = null;
        if (mode instanceof Mode.Run) {
            pid = PidFile.claim(home.resolve(PidFile.PATH));
            if (pid == null) {
                System.err.println("gunyah: already running (pid "
                        + PidFile.read(home.resolve(PidFile.PATH))
                                .map(String::valueOf)
                                .orElse("?")
                        + ", " + home.resolve(PidFile.PATH) + ")");
                cache.close();
                System.exit(1);
            }
            RuntimeLog.toFiles(home, System.getenv(BACKGROUND) != null);
        }
        System.exit(run(mode, home, config, cache, pid));
    }

    private static int run(Mode mode, Path home, Map<String, String> config, FrameworkCache cache, PidFile pid)
            throws Exception {
        Framework framework = new FrameworkFactory().newFramework(config);
        AtomicInteger status = new AtomicInteger(mode instanceof Mode.Script ? 1 : 0);
        java.util.concurrent.atomic.AtomicBoolean statusGiven = new java.util.concurrent.atomic.AtomicBoolean();
        // SIGTERM (systemd, bin/gunyah stop, a container's stop) and SIGINT: every VM down, then exit.
        Thread hook = Thread.ofPlatform().unstarted(() -> {
            stop(framework);
            if (pid != null) {
                pid.release();
            }
            RuntimeLogManager.resetAfterStop();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            framework.init();
            BundleContext context = framework.getBundleContext();
            if (cache.reused()) {
                forgetAllButSystem(home, context);
            }
            Dictionary<String, Object> props = new Hashtable<>(Map.of("gunyah.launcher", "exit-status"));
            context.registerService(
                    IntConsumer.class,
                    s -> {
                        // The first status wins: `exit 3` in a script, then the script's own end.
                        if (statusGiven.compareAndSet(false, true)) {
                            status.set(s);
                            Thread.ofPlatform().name("gunyah-stop").start(() -> stop(framework));
                        }
                    },
                    props);
            DeferredStart later = new DeferredStart(() -> {
                try {
                    if (framework.getState() == Bundle.ACTIVE) { // not after `exit` as the first command
                        framework.adapt(FrameworkStartLevel.class).setStartLevel(LATER_START_LEVEL);
                    }
                } catch (IllegalStateException e) {
                    // the framework is stopping already
                }
            });
            if (mode instanceof Mode.Interactive) {
                // The console's prompt, for guest console lines to start a line of their own
                // (GuestConsoleHandler); scripts and headless runs print no prompt.
                context.registerService(
                        java.util.function.Consumer.class,
                        (java.util.function.Consumer<String>) shown -> {
                            GuestConsoleHandler.prompt(shown);
                            later.prompt(shown);
                        },
                        new Hashtable<>(Map.of("gunyah.launcher", "prompt")));
                GuestConsoleHandler.prompt(CONSOLE_PROMPT); // the console shows it first thing
            }
            AutoProcessor.process(config, context);
            for (String folder : LATER) {
                installLater(context, home.resolve("system").resolve(folder));
            }
            framework.start();
            cache.filled();
            if (mode instanceof Mode.Interactive) {
                startConsole(context, home.resolve("system").resolve("console"));
                later.consoleStarted(LATER_DELAY);
            }
            framework.waitForStop(0);
            return status.get();
        } catch (Exception | Error e) {
            stop(framework); // else its threads would keep the process alive
            throw e;
        } finally {
            if (pid != null) {
                pid.release();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook stops the framework
            }
            cache.close();
        }
    }

    /**
     * Uninstalls what an earlier run installed beside the bundles of {@code system/} (FileInstall's
     * bundles of {@code functions/} and {@code deploy/}, the console's): the folders install them
     * again as they are now, and a function bundle started on its first use then is installed
     * unstarted again.
     */
    private static void forgetAllButSystem(Path home, BundleContext context) throws BundleException {
        for (Bundle b : context.getBundles()) {
            if (b.getBundleId() != 0 && !FrameworkCache.kept(home, b.getLocation())) {
                b.uninstall();
            }
        }
    }

    /**
     * The bundles of a {@link #LATER} folder, at a start level of their own: the framework reaches
     * it at its start, but the interactive console starts first and raises it after ({@link
     * DeferredStart}), so that the console answers without waiting for Jetty or SSHD.
     */
    private static void installLater(BundleContext context, Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar :
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                String location = jar.toUri().toString();
                try {
                    Bundle b = context.getBundle(location); // kept in the framework cache from the last start
                    if (b == null) {
                        b = context.installBundle(location);
                    }
                    b.adapt(BundleStartLevel.class).setStartLevel(LATER_START_LEVEL);
                    b.start();
                } catch (BundleException e) {
                    // as Felix's auto-deploy of system/ does: the runtime goes on without that bundle
                    System.err.println("gunyah: cannot install " + jar + ": " + e.getMessage());
                }
            }
        }
    }

    /** The Gogo shell bundles, started last so that every command is there at the first prompt. */
    private static void startConsole(BundleContext context, Path folder) throws IOException, BundleException {
        if (!Files.isDirectory(folder)) {
            System.err.println("gunyah: no console bundles in " + folder);
            return;
        }
        try (Stream<Path> jars = Files.list(folder)) {
            for (Path jar :
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
                Bundle b = context.installBundle(jar.toUri().toString());
                b.start();
            }
        }
    }

    /** Stops every bundle (the VMM closes its VMs as it goes) and waits, bounded. */
    private static void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                framework.stop();
                framework.waitForStop(20_000);
            }
        } catch (BundleException | InterruptedException e) {
            System.err.println("gunyah: stopping: " + e.getMessage());
        }
    }
}
