package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmState;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private static final Lifecycle STARTED = new Lifecycle.Started();

    private static Errno startErrno(Lifecycle l) {
        return assertThrows(GunyahException.class, () -> l.start("vm")).errno();
    }

    @Test
    void aCreatedVmStartsAndItsVcpusMayRun() throws GunyahException {
        Lifecycle started = Lifecycle.CREATED.start("vm");

        assertEquals(STARTED, started);
        assertTrue(started.runs());
        assertFalse(Lifecycle.CREATED.runs());
    }

    @Test
    void aSecondStartIsEbusyEvenAfterTheGuestExited() {
        assertEquals(Errno.EBUSY, startErrno(STARTED));
        assertEquals(Errno.EBUSY, startErrno(new Lifecycle.Exited(3)));
    }

    @Test
    void aStartOnceClosingIsEnodev() {
        assertEquals(Errno.ENODEV, startErrno(Lifecycle.CREATED.close()));
        assertEquals(Errno.ENODEV, startErrno(Lifecycle.CREATED.close().closed()));
    }

    @Test
    void theFirstExitOfARunningGuestWinsAndStopsItsVcpus() {
        Lifecycle exited = STARTED.exit(7);

        assertEquals(new Lifecycle.Exited(7), exited);
        assertEquals(exited, exited.exit(9));
        assertFalse(exited.runs());
    }

    @Test
    void anExitBeforeStartOrDuringCloseChangesNothing() {
        assertEquals(Lifecycle.CREATED, Lifecycle.CREATED.exit(1));
        Lifecycle closing = STARTED.close();
        assertEquals(closing, closing.exit(1));
    }

    @Test
    void closingKeepsTheExitCodeUntilClosed() {
        Lifecycle closed = STARTED.exit(4).close().closed();

        assertEquals(new Lifecycle.Closed(Optional.of("EXITED(4)")), closed);
        assertEquals("EXITED(4)", closed.status(null));
        assertEquals("CLOSED", STARTED.close().closed().status(null));
    }

    @Test
    void aGuestPanicEndsARunningGuestCrashedAndCloseKeepsWhy() {
        Lifecycle failed = STARTED.fail("guest kernel panic: Kernel panic - not syncing: Attempted to kill init!");

        assertFalse(failed.runs());
        assertTrue(failed.guestDown(VmState.RUNNING));
        assertEquals(failed, failed.exit(0), "the first end wins");
        assertEquals(
                "CRASHED(guest kernel panic: Kernel panic - not syncing: Attempted to kill init!)",
                failed.close().closed().status(null));
        assertEquals(Lifecycle.CREATED, Lifecycle.CREATED.fail("too early"));
    }

    @Test
    void aSecondCloseAndAClosedBeforeCloseChangeNothing() {
        Lifecycle closing = STARTED.close();

        assertEquals(closing, closing.close());
        assertEquals(STARTED, STARTED.closed());
    }

    @Test
    void theGuestIsDownOnceItExitedOrTheVmManagerSaysSoButNotWhileClosing() {
        assertTrue(new Lifecycle.Exited(0).guestDown(VmState.RUNNING));
        assertTrue(STARTED.guestDown(VmState.CRASHED));
        assertFalse(STARTED.guestDown(VmState.RUNNING));
        assertFalse(STARTED.close().guestDown(VmState.CLOSED));
        assertTrue(STARTED.close().closed().guestDown(VmState.CLOSED));
    }
}
