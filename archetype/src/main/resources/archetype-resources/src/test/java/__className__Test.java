package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.testkit.FakeFunctionInstance;
import org.gunyah.vmm.testkit.FunctionUnderTest;
import org.junit.jupiter.api.Test;

/** The function alone, on the test kit's fake VM: no VM, no hypervisor, no OSGi. */
class ${className}Test {
    static final long ADDRESS = 0x0a00_0000L;

    private final FunctionUnderTest function = FunctionUnderTest.of(new ${className}());

    @Test
    void theDeclarationSaysTypeAndName() {
        assertEquals(${functionType}, function.type());
        assertEquals("${functionName}", function.name());
    }

    @Test
    void guestWritesAtTheAddressAreCounted() throws GunyahException {
        FakeFunctionInstance instance = function.bind(${className}.arg(ADDRESS));
        AtomicLong count = (AtomicLong) function.lastHandle();

        assertTrue(function.vm().mmioWrite(ADDRESS, 4, 1));
        assertTrue(function.vm().mmioWrite(ADDRESS, 1, 0xff));
        assertFalse(function.vm().mmioWrite(ADDRESS + 8, 4, 1), "elsewhere: an exit to the VMM");
        assertEquals(2, count.get());

        assertSame(instance, function.find(${className}.arg(ADDRESS)));
        function.unbind(instance);
        assertEquals(List.of(), function.vm().leftovers());
    }

    @Test
    void anArgumentOfAnotherSizeIsEinvalAndLeavesNothing() {
        GunyahException e = assertThrows(GunyahException.class, () -> function.bind(new byte[4]));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals(List.of(), function.vm().leftovers());
    }

    @Test
    void twoCountersOnOneAddressAreEexist() throws GunyahException {
        function.bind(${className}.arg(ADDRESS));
        GunyahException e = assertThrows(GunyahException.class, () -> function.bind(${className}.arg(ADDRESS)));
        assertEquals(Errno.EEXIST, e.errno());
        function.unbindAll();
        assertEquals(List.of(), function.vm().leftovers());
    }
}
