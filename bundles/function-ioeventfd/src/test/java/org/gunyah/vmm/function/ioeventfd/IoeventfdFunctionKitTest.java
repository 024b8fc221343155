package org.gunyah.vmm.function.ioeventfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.testkit.FakeFunctionInstance;
import org.gunyah.vmm.testkit.FunctionUnderTest;
import org.junit.jupiter.api.Test;

/** The function alone on the test kit's fake VM: no VM manager, no hypervisor, no OSGi. */
class IoeventfdFunctionKitTest {
    static final long ADDR = 0x0900_1000L;

    private final FunctionUnderTest ioeventfd = FunctionUnderTest.of(new IoeventfdFunction());
    private final EventFd efd = ioeventfd.vm().createEventFd();

    @Test
    void theOneDeclarationSaysTypeAndName() {
        assertEquals(FunctionType.IOEVENTFD, ioeventfd.type());
        assertEquals("ioeventfd", ioeventfd.name());
    }

    @Test
    void aMatchingGuestWriteSignalsTheEventFdAndUnbindLeavesNothing() throws GunyahException {
        FakeFunctionInstance i = ioeventfd.bind(
                IoeventfdArg.matching(ADDR, 4, 7, efd.fd()).desc().arg());

        assertFalse(ioeventfd.vm().mmioWrite(ADDR, 4, 6), "another value exits to the VMM");
        assertTrue(ioeventfd.vm().mmioWrite(ADDR, 4, 7));
        assertEquals(1, efd.read());

        ioeventfd.unbind(i);
        assertEquals(List.of(), ioeventfd.vm().leftovers());
    }

    @Test
    void anUnknownEventFdIsEbadfAndLeavesNothing() {
        GunyahException e = assertThrows(
                GunyahException.class,
                () -> ioeventfd.bind(
                        IoeventfdArg.of(ADDR, 4, efd.fd() + 100).desc().arg()));
        assertEquals(Errno.EBADF, e.errno());
        assertEquals(List.of(), ioeventfd.vm().leftovers());
    }
}
