package org.gunyah.vmm.remoteconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;

class LineShellTest {
    private static String session(String input, boolean terminal) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Gogo gogo = new Gogo();
                PrintStream o = new PrintStream(terminal ? LineShell.crlf(out) : out, true, StandardCharsets.UTF_8);
                CommandSession session = gogo.processor.createSession(
                        new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, o)) {
            LineShell.run(session, new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), o, o, terminal);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachLineRunsAndAFailureDoesNotEndTheSession() throws IOException {
        assertEquals(
                "g! EINVAL: this fails\ng! g! g! no VMs\ng! ",
                session("gunyah:fail\n\n# a comment\ngunyah:vms\n", false));
    }

    @Test
    void exitEndsTheSession() throws IOException {
        assertEquals("g! ", session("exit\ngunyah:vms\n", false));
    }

    @Test
    void onATerminalTypingIsEchoedWithItsErasuresAndLinesEndInCrLf() throws IOException {
        assertEquals(
                "g! gunyah:vmx\b \bs\r\n" + "no VMs\r\n" + "g! gunyah:f^C\r\n" + "g! \r\n",
                session("gunyah:vmx\u007fs\rgunyah:f\u0003\u0004", true));
    }

    @Test
    void readerDropsTheLfOfACrLfAndEndsAtEndOfInput() throws IOException {
        LineShell.LineReader reader =
                new LineShell.LineReader(new ByteArrayInputStream("a\r\nb\nc".getBytes(StandardCharsets.UTF_8)), null);
        assertEquals("a", reader.readLine());
        assertEquals("b", reader.readLine());
        assertEquals("c", reader.readLine());
        assertNull(reader.readLine());
    }

    @Test
    void backspaceErasesAWholeUtf8Character() throws IOException {
        PrintStream echo = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        LineShell.LineReader reader =
                new LineShell.LineReader(new ByteArrayInputStream("xé\u007f\r".getBytes(StandardCharsets.UTF_8)), echo);
        assertEquals("x", reader.readLine());
    }
}
