package org.gunyah.vmm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.function.Executable;

/** The errno assertion every module's tests make. */
public final class Errnos {
    private Errnos() {}

    /** {@code call} fails with a {@link GunyahException} carrying {@code expected}; returns it for more checks. */
    public static GunyahException assertErrno(Errno expected, Executable call) {
        GunyahException e = assertThrows(GunyahException.class, call);
        assertEquals(expected, e.errno(), e.getMessage());
        return e;
    }
}
