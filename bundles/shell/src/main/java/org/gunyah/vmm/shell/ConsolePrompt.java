package org.gunyah.vmm.shell;

import java.util.function.Consumer;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * Whether the console's prompt ({@value #PROMPT}, set as a plain string in {@code etc/gosh_profile})
 * shows, for the launcher's guest console output ({@value #PROPERTY}{@code =prompt}, registered
 * only for the interactive console): the prompt is printed after each line the console runs, and
 * gone while the next runs, so that a guest's console line printed meanwhile starts a line of its
 * own (and the prompt is printed again after it) instead of following {@code g! }. It is not a
 * command in the prompt: the console evaluates its prompt once more after {@code exit}, while the
 * framework stops, and a command then failed on the console (an InterruptedException, a rejected
 * job).
 */
@Component(
        // Immediate: the console asks for its prompt as the framework stops after `exit`, and a
        // delayed component activated then is interrupted (InterruptedException on the console).
        immediate = true,
        service = {ConsolePrompt.class, CommandSessionListener.class},
        property = {"osgi.command.scope=gunyah", "osgi.command.function=prompt"})
public final class ConsolePrompt implements CommandSessionListener {
    static final String PROMPT = "g! ";
    static final String PROPERTY = "gunyah.launcher";

    @Reference(
            cardinality = ReferenceCardinality.OPTIONAL,
            policy = ReferencePolicy.DYNAMIC,
            target = "(" + PROPERTY + "=prompt)")
    private volatile Consumer<String> launcher;

    @Descriptor("the console's prompt (g! ), which the console prints before each command")
    public String prompt() {
        return PROMPT;
    }

    /** A line typed after the prompt runs: the cursor is at the start of a line again. */
    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
        tell(null);
    }

    /** The line has run, and failed: the console prints its error, then the prompt. */
    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        tell(PROMPT);
    }

    /** The line has run: the console prints its result, then the prompt. */
    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        tell(PROMPT);
    }

    private void tell(String prompt) {
        Consumer<String> l = launcher;
        if (l != null) {
            l.accept(prompt);
        }
    }
}
