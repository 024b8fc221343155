package org.gunyah.vmm.shell;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

class VmWaitTimeoutTest {
    @Test
    void aTimeoutIsANumberWithItsUnit() throws GunyahException {
        assertEquals(Duration.ofMillis(500), VmCommands.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), VmCommands.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), VmCommands.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), VmCommands.parseDuration("1h"));
    }

    @Test
    void aTimeoutMayBeIso8601() throws GunyahException {
        assertEquals(Duration.ofSeconds(90), VmCommands.parseDuration("PT1M30S"));
    }

    @Test
    void aTimeoutWithoutAUnitOrNegativeIsEinval() {
        for (String bad : new String[] {"30", "", "soon", "-5s", "PT-1S", "9999999999999h"}) {
            assertErrno(Errno.EINVAL, () -> VmCommands.parseDuration(bad));
        }
    }
}
