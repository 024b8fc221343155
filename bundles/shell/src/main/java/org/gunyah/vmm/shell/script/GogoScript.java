package org.gunyah.vmm.shell.script;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.shell.DemoFailure;

/**
 * Runs a Gogo script with the rules of {@code bin/gunyah -c}, wherever it comes from (the command
 * line, the console socket, SSH): statement by statement, each result printed as the console prints
 * it; the first failure prints its one-line message and ends the script with status 1.
 */
public final class GogoScript {
    public static final int FAILED = 1;
    public static final int INTERRUPTED = 130;

    /** How one statement runs; the command line waits for commands still being registered. */
    @FunctionalInterface
    public interface Executor {
        Object execute(String statement) throws Exception;
    }

    private GogoScript() {}

    public static int run(CommandSession session, String script, PrintStream out, PrintStream err) {
        return run(session, script, out, err, session::execute);
    }

    public static int run(CommandSession session, String script, PrintStream out, PrintStream err, Executor executor) {
        for (String statement : Statements.split(script)) {
            try {
                print(session, executor.execute(statement), out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return INTERRUPTED;
            } catch (Exception e) {
                err.println(message(e));
                err.flush();
                return FAILED;
            }
        }
        out.flush();
        return 0;
    }

    public static void print(CommandSession session, Object result, PrintStream out) {
        if (result != null) {
            out.println(session.format(result, Converter.INSPECT));
        }
        out.flush();
    }

    /**
     * One line, as {@code bin/gunyah -c} prints it: our own failures (which name their errno, and the
     * demo's) by their message, others by their class and message.
     */
    public static String message(Throwable e) {
        while (e instanceof InvocationTargetException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof GunyahException || e instanceof DemoFailure) {
            return e.getMessage();
        }
        return "gunyah: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
