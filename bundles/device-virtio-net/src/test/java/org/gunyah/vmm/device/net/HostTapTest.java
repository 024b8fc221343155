package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A real TAP through /dev/net/tun: made when missing, gone when closed, refused while another
 * holds it. Needs CAP_NET_ADMIN to create one (root in CI); skipped with the reason otherwise.
 */
class HostTapTest {
    private static final String NAME = "gtapt" + ProcessHandle.current().pid() % 100000;

    private static HostTap openOrSkip(String name) throws GunyahException {
        try {
            return HostTap.open(name, frame -> {});
        } catch (GunyahException e) {
            Assumptions.assumeTrue(
                    e.errno() != Errno.EPERM && e.errno() != Errno.EACCES && e.errno() != Errno.ENOENT,
                    "skipped: this process may not create a TAP here (" + e.getMessage() + ")");
            throw e;
        }
    }

    @Test
    void aMissingTapIsCreatedAndGoesWhenClosed() throws GunyahException {
        HostTap tap = openOrSkip(NAME);
        try {
            assertTrue(Files.exists(Path.of("/sys/class/net", NAME)), "the interface exists");
            assertEquals("0x1002", readFlags(NAME), "a TAP without packet information");
        } finally {
            tap.close();
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", NAME)), "a TAP we made goes with us");
    }

    @Test
    void aTapAnotherHoldsIsEbusyAndTheHolderKeepsIt() throws GunyahException {
        try (HostTap first = openOrSkip(NAME + "b")) {
            GunyahException e = assertThrows(GunyahException.class, () -> HostTap.open(NAME + "b", frame -> {}));

            assertEquals(Errno.EBUSY, e.errno(), e.getMessage());
            assertTrue(Files.exists(Path.of("/sys/class/net", NAME + "b")));
        }
    }

    @Test
    void aNameThatIsNoInterfaceNameIsEinvalBeforeAnySystemCall() {
        GunyahException e = assertThrows(GunyahException.class, () -> HostTap.open("../tap", frame -> {}));

        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void closingTwiceIsHarmless() throws GunyahException {
        HostTap tap = openOrSkip(NAME + "c");
        tap.close();
        tap.close();
        assertFalse(Files.exists(Path.of("/sys/class/net", NAME + "c")));
    }

    private static String readFlags(String name) {
        try {
            return Files.readString(Path.of("/sys/class/net", name, "tun_flags"))
                    .strip();
        } catch (java.io.IOException e) {
            return "unreadable: " + e;
        }
    }
}
