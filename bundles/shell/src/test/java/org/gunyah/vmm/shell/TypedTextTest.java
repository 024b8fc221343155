package org.gunyah.vmm.shell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

/** What gunyah:vm-input types for its text. */
class TypedTextTest {
    @Test
    void plainTextIsItsUtf8Bytes() throws Exception {
        assertArrayEquals("ls é".getBytes(StandardCharsets.UTF_8), TypedText.bytes("ls é"));
    }

    @Test
    void backslashEscapesStandForControlBytes() throws Exception {
        assertArrayEquals(
                new byte[] {'a', '\n', '\r', '\t', 0x1b, '\\', 0x03, 'b'}, TypedText.bytes("a\\n\\r\\t\\e\\\\\\x03b"));
    }

    @Test
    void aRealNewlineIsSentAsItIs() throws Exception {
        assertArrayEquals(new byte[] {'l', 's', '\n'}, TypedText.bytes("ls\n"));
    }

    @Test
    void anUnknownEscapeOrShortHexIsEinval() {
        for (String bad : new String[] {"\\q", "\\x4", "\\xzz", "ends\\"}) {
            GunyahException e = assertThrows(GunyahException.class, () -> TypedText.bytes(bad), bad);
            assertEquals(Errno.EINVAL, e.errno());
        }
    }
}
