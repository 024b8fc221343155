package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordCommandTest {
    @TempDir
    Path home;

    @Test
    void theConfigurationHoldsTheUserAndASaltedHashNeverTheClearText() throws Exception {
        Path file = PasswordCommand.write(home, "long-enough-password", "ops");

        String text = Files.readString(file);
        assertEquals(home.resolve("conf/org.gunyah.vmm.webconsole.cfg"), file);
        assertFalse(text.contains("long-enough-password"));
        Properties p = new Properties();
        p.load(new StringReader(text));
        assertEquals("ops", p.getProperty("user"));
        assertTrue(PasswordHash.parse(p.getProperty("password")).matches("long-enough-password".toCharArray()));
        try (var files = Files.list(home.resolve("conf"))) {
            assertEquals(1, files.count(), "no partial file is left");
        }
    }

    @Test
    void aShortPasswordIsEinvalAndWritesNothing() {
        GunyahException e = assertThrows(GunyahException.class, () -> PasswordCommand.write(home, "short", "admin"));

        assertEquals(Errno.EINVAL, e.errno());
        assertFalse(Files.exists(home.resolve("conf")));
    }

    @Test
    void aMalformedUserIsEinval() {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> PasswordCommand.write(home, "long-enough-password", "a user"))
                        .errno());
    }
}
