package org.gunyah.vmm.shell;

import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.IntConsumer;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.gunyah.vmm.shell.script.GogoScript;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * {@code bin/gunyah -c "<commands>"}: when the framework property {@value #SCRIPT} is set, runs its
 * statements once the gunyah commands are registered, prints each result as the console would,
 * stops at the first failure (printing its one-line message), and hands the exit status to the
 * launcher's {@code IntConsumer} service ({@value #EXIT_PROPERTY}), which stops the framework.
 */
@Component(immediate = true)
public final class ScriptRunner {
    static final String SCRIPT = "gunyah.script";
    static final String EXIT_PROPERTY = "gunyah.launcher";
    /**
     * Where unscoped names are looked up, as in the console ({@code etc/gosh_profile}): gunyah's
     * {@code help} and {@code exit} before Gogo's and before {@code System.exit}.
     */
    static final String SCOPE_PATH = "gunyah:gogo:*";

    private static final Logger LOG = System.getLogger(ScriptRunner.class.getName());
    private static final long COMMANDS_TIMEOUT_MS = 30_000;
    /** How long a command missing after start may still be on its way (a component waiting for a configuration). */
    private static final long LATE_COMMAND_MS = 2_000;

    private final CommandProcessor processor;
    private final Thread thread;

    @Activate
    public ScriptRunner(@Reference CommandProcessor processor, BundleContext context) {
        this.processor = processor;
        String script = context.getProperty(SCRIPT);
        thread = script == null || script.isBlank()
                ? null
                : Thread.ofPlatform().name("gunyah-script").start(() -> report(context, run(context, script)));
    }

    @Deactivate
    void deactivate() {
        if (thread != null) {
            thread.interrupt();
        }
    }

    private int run(BundleContext context, String script) {
        // The process's own streams: Gogo's ThreadIO replaces System.out with a stream that
        // forwards to the session's, which must therefore not be System.out itself.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true);
        try {
            awaitFrameworkStarted(context);
            for (String function : new String[] {"functions", "vm-create", "demo"}) {
                if (!awaitCommand(context, function, COMMANDS_TIMEOUT_MS)) {
                    err.println("gunyah: the gunyah:" + function + " command did not appear within "
                            + COMMANDS_TIMEOUT_MS / 1000 + " s: is the VM manager running?");
                    return 1;
                }
            }
            try (CommandSession session = processor.createSession(new FileInputStream(FileDescriptor.in), out, err)) {
                session.put("SCOPE", SCOPE_PATH);
                int status =
                        GogoScript.run(session, script, out, err, statement -> execute(context, session, statement));
                if (status == GogoScript.INTERRUPTED) {
                    throw new InterruptedException();
                }
                if (status != 0) {
                    return status;
                }
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    /**
     * Runs one statement. A command some bundle has not registered yet (they start in parallel
     * with the script) is waited for, bounded, and the statement tried once more.
     */
    private static Object execute(BundleContext context, CommandSession session, String statement) throws Exception {
        try {
            return session.execute(statement);
        } catch (Exception e) {
            String missing = e.getClass().getSimpleName().equals("CommandNotFoundException") && e.getMessage() != null
                    ? e.getMessage().replaceFirst("^Command not found: ", "")
                    : null;
            if (missing == null
                    || !awaitCommand(context, missing.substring(missing.indexOf(':') + 1), LATE_COMMAND_MS)) {
                throw e;
            }
            return session.execute(statement);
        }
    }

    /**
     * Every bundle of the runtime has started (and registered its commands) once the framework
     * reports STARTED; the script thread begins while the later bundles are still starting.
     */
    private static void awaitFrameworkStarted(BundleContext context) throws InterruptedException {
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        org.osgi.framework.FrameworkListener listener = event -> {
            if (event.getType() == org.osgi.framework.FrameworkEvent.STARTED) {
                started.countDown();
            }
        };
        context.addFrameworkListener(listener);
        try {
            if (context.getBundle(0).getState() != org.osgi.framework.Bundle.ACTIVE) {
                started.await(COMMANDS_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } finally {
            context.removeFrameworkListener(listener);
        }
    }

    private static boolean awaitCommand(BundleContext context, String function, long timeoutMs)
            throws InterruptedException {
        ServiceTracker<?, ?> t;
        try {
            t = new ServiceTracker<>(
                    context,
                    FrameworkUtil.createFilter(
                            "(&(osgi.command.scope=*)(osgi.command.function=" + escape(function) + "))"),
                    null);
        } catch (InvalidSyntaxException e) {
            return false;
        }
        t.open();
        try {
            return t.waitForService(timeoutMs) != null;
        } finally {
            t.close();
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c")
                .replace("*", "\\2a")
                .replace("(", "\\28")
                .replace(")", "\\29");
    }

    private static void report(BundleContext context, int status) {
        try {
            for (ServiceReference<IntConsumer> ref :
                    context.getServiceReferences(IntConsumer.class, "(" + EXIT_PROPERTY + "=exit-status)")) {
                IntConsumer exit = context.getService(ref);
                if (exit != null) {
                    exit.accept(status);
                    context.ungetService(ref);
                    return;
                }
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // the framework is going down already
        }
        LOG.log(Level.INFO, "script finished with status {0}; no launcher to tell", status);
    }
}
