package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The keys bin/gunyah linux keeps from the guest: Ctrl-A and what follows it. */
class EscapeKeysTest {
    private final EscapeKeys keys = new EscapeKeys();

    private EscapeKeys.Typed feed(String typed) {
        byte[] b = typed.getBytes(StandardCharsets.ISO_8859_1);
        return keys.feed(b, b.length);
    }

    @Test
    void ordinaryKeysAndCtrlCGoToTheGuest() {
        EscapeKeys.Typed t = feed("ls\r\u0003");

        assertArrayEquals("ls\r\u0003".getBytes(StandardCharsets.ISO_8859_1), t.toGuest());
        assertFalse(t.stop());
        assertFalse(t.help());
    }

    @Test
    void ctrlAXStopsAndWhatCameBeforeItStillGoesToTheGuest() {
        EscapeKeys.Typed t = feed("ab\u0001xcd");

        assertArrayEquals("ab".getBytes(StandardCharsets.ISO_8859_1), t.toGuest());
        assertTrue(t.stop());
    }

    @Test
    void ctrlAUpperCaseXStopsToo() {
        assertTrue(feed("\u0001X").stop());
    }

    @Test
    void ctrlACtrlATypesOneCtrlA() {
        assertArrayEquals(new byte[] {1, 'q'}, feed("\u0001\u0001q").toGuest());
    }

    @Test
    void ctrlAHAsksForHelpAndTypesNothing() {
        EscapeKeys.Typed t = feed("\u0001h");

        assertTrue(t.help());
        assertArrayEquals(new byte[0], t.toGuest());
    }

    @Test
    void anUnknownEscapeIsDropped() {
        assertArrayEquals(
                "b".getBytes(StandardCharsets.ISO_8859_1), feed("\u0001zb").toGuest());
    }

    @Test
    void anEscapeSplitBetweenReadsIsStillSeen() {
        assertArrayEquals(
                "a".getBytes(StandardCharsets.ISO_8859_1), feed("a\u0001").toGuest());

        assertTrue(feed("x").stop());
    }
}
