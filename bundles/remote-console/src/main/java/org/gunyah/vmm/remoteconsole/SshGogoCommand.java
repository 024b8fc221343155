package org.gunyah.vmm.remoteconsole;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.gunyah.vmm.shell.script.GogoScript;

/**
 * One SSH channel's Gogo session: an exec channel runs its command line as a script (status as for
 * {@code -c}); a shell channel is a {@link LineShell}, with the line discipline when the client asked
 * for a terminal.
 */
final class SshGogoCommand implements Command {
    private final CommandProcessor processor;
    private final String script;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private volatile Thread thread;

    SshGogoCommand(CommandProcessor processor, String script) {
        this.processor = processor;
        this.script = script;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) {
        boolean terminal = env.getEnv().containsKey(Environment.ENV_TERM)
                || !env.getPtyModes().isEmpty();
        thread = Thread.ofPlatform().name("gunyah-ssh-session").daemon().start(() -> run(terminal));
    }

    private void run(boolean terminal) {
        int status;
        PrintStream o = new PrintStream(terminal ? LineShell.crlf(out) : out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(terminal ? LineShell.crlf(err) : err, true, StandardCharsets.UTF_8);
        try (CommandSession session = processor.createSession(in, o, e)) {
            if (script == null) {
                LineShell.run(session, in, o, e, terminal);
                status = 0;
            } else {
                status = GogoScript.run(session, script, o, e);
            }
        } catch (Exception failure) {
            e.println(GogoScript.message(failure));
            status = GogoScript.FAILED;
        }
        o.flush();
        e.flush();
        exit.onExit(status);
    }

    @Override
    public void destroy(ChannelSession channel) {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
