package org.gunyah.vmm.remoteconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandSession;
import org.gunyah.vmm.shell.script.GogoScript;
import org.junit.jupiter.api.Test;

class GogoScriptTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String script) {
        try (Gogo gogo = new Gogo();
                PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                CommandSession session = gogo.processor.createSession(new ByteArrayInputStream(new byte[0]), o, e)) {
            return GogoScript.run(session, script, o, e);
        }
    }

    @Test
    void eachResultIsPrintedAndTheStatusIsZero() {
        assertEquals(0, run("gunyah:vms; gunyah:vms"));
        assertEquals("no VMs\nno VMs\n", out.toString(StandardCharsets.UTF_8).replace("\r", ""));
    }

    @Test
    void theFirstFailureEndsTheScriptWithItsOneLineAndStatusOne() {
        assertEquals(1, run("gunyah:fail; gunyah:vms"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
        assertEquals("EINVAL: this fails\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownCommandIsAFailureNamedByItsClass() {
        assertEquals(1, run("gunyah:nonesuch"));
        assertEquals(
                "gunyah: CommandNotFoundException: Command not found: gunyah:nonesuch\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
