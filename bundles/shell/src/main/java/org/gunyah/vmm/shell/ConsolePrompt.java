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
 * The console's prompt ({@code etc/gosh_profile} sets {@code prompt = { gunyah:prompt }}), and
 * whether it shows: the launcher's guest console output ({@value #PROPERTY}{@code =prompt}) learns
 * that the prompt is on the screen when it is printed, and that it is gone when the line typed
 * after it runs, so that a guest's console line printed meanwhile starts a line of its own (and
 * the prompt is printed again after it) instead of following {@code g! }.
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
        tell(PROMPT);
        return PROMPT;
    }

    /** A line typed after the prompt runs: the cursor is at the start of a line again. */
    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
        if (!command.toString().strip().equals("gunyah:prompt")) {
            tell(null);
        }
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {}

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {}

    private void tell(String prompt) {
        Consumer<String> l = launcher;
        if (l != null) {
            l.accept(prompt);
        }
    }
}
