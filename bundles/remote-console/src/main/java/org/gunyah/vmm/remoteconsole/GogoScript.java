package org.gunyah.vmm.remoteconsole;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.gunyah.vmm.api.GunyahException;

/**
 * Runs a Gogo script with the rules of {@code bin/gunyah -c}: statement by statement, each result
 * printed as the console prints it; the first failure prints its one-line message and ends the
 * script with status 1.
 */
final class GogoScript {
    static final int FAILED = 1;
    static final int INTERRUPTED = 130;

    private GogoScript() {}

    static int run(CommandSession session, String script, PrintStream out, PrintStream err) {
        for (String statement : Statements.split(script)) {
            try {
                print(session, session.execute(statement), out);
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

    static void print(CommandSession session, Object result, PrintStream out) {
        if (result != null) {
            out.println(session.format(result, Converter.INSPECT));
        }
        out.flush();
    }

    /**
     * One line, as {@code bin/gunyah -c} prints it: our own failures (which name their errno, and the
     * demo's) by their message, others by their class and message.
     */
    static String message(Throwable e) {
        while (e instanceof InvocationTargetException && e.getCause() != null) {
            e = e.getCause();
        }
        if (e instanceof GunyahException || e.getClass().getName().equals("org.gunyah.vmm.shell.DemoFailure")) {
            return e.getMessage();
        }
        return "gunyah: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
