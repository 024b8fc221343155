package org.gunyah.vmm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmState;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.IoHandler;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.VmFunctionType;
import org.junit.jupiter.api.Test;

class FunctionUnderTestTest {

    /** Counts guest writes at the address its 8-byte argument names; bind fails after adding its handler when asked to. */
    @VmFunctionType(type = 4242, name = "tally")
    static class Tally implements VmFunction {
        boolean leakOnFailure;

        record Handler(long address, AtomicLong count) implements IoHandler {
            @Override
            public int length() {
                return 0;
            }

            @Override
            public boolean datamatch() {
                return false;
            }

            @Override
            public long data() {
                return 0;
            }

            @Override
            public boolean write(long address, int length, long value) {
                count.incrementAndGet();
                return true;
            }
        }

        @Override
        public Object bind(FunctionInstance instance) throws GunyahException {
            if (instance.argSize() != 8) {
                throw GunyahException.of(Errno.EINVAL, "tally: argument of %d bytes", instance.argSize());
            }
            long address = ByteBuffer.wrap(instance.arg())
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .getLong();
            Handler h = new Handler(address, new AtomicLong());
            instance.vm().addIoHandler(h);
            if (leakOnFailure) {
                throw GunyahException.of(Errno.ENOMEM, "tally: out of memory");
            }
            instance.setData(h);
            return h.count();
        }

        @Override
        public void unbind(FunctionInstance instance) {
            instance.vm().removeIoHandler(instance.data(Handler.class));
        }

        @Override
        public boolean compare(FunctionInstance instance, byte[] arg) {
            return java.util.Arrays.equals(instance.arg(), arg);
        }
    }

    /** A component whose description (src/test/resources/OSGI-INF) registers type 7: a second, disagreeing declaration. */
    @VmFunctionType(type = 4243, name = "twice")
    static final class Twice extends Tally {}

    /** A component whose description agrees with its declaration. */
    @VmFunctionType(type = 4244, name = "once")
    static final class Once extends Tally {}

    @Test
    void aComponentPropertyThatDisagreesWithTheDeclarationFails() {
        AssertionError e = assertThrows(AssertionError.class, () -> FunctionUnderTest.of(new Twice()));
        assertTrue(e.getMessage().contains("says type 4243, name twice"), e.getMessage());
        assertTrue(e.getMessage().contains("gunyah.function.type=7"), e.getMessage());
        assertEquals(4244, FunctionUnderTest.of(new Once()).type());
    }

    static byte[] arg(long address) {
        return ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(address)
                .array();
    }

    @Test
    void theDeclarationGivesTheTypeAndName() {
        FunctionUnderTest f = FunctionUnderTest.of(new Tally());
        assertEquals(4242, f.type());
        assertEquals("tally", f.name());
    }

    @Test
    void aClassWithoutADeclarationIsRefused() {
        VmFunction undeclared = new VmFunction() {
            @Override
            public Object bind(FunctionInstance instance) {
                return null;
            }

            @Override
            public void unbind(FunctionInstance instance) {}

            @Override
            public boolean compare(FunctionInstance instance, byte[] arg) {
                return false;
            }
        };
        assertThrows(IllegalArgumentException.class, () -> FunctionUnderTest.of(undeclared));
    }

    @Test
    void guestWritesReachTheBoundHandlerAndNothingIsLeftAfterUnbind() throws GunyahException {
        FunctionUnderTest f = FunctionUnderTest.of(new Tally());
        FakeFunctionInstance i = f.bind(arg(0x0a00_0000L));

        assertTrue(f.vm().mmioWrite(0x0a00_0000L, 4, 7));
        assertTrue(f.vm().mmioWrite(0x0a00_0000L, 1, 7));
        assertFalse(f.vm().mmioWrite(0x0a00_0008L, 4, 7), "no handler there: an MMIO exit");
        assertEquals(2, ((AtomicLong) f.lastHandle()).get());
        assertSame(i, f.find(arg(0x0a00_0000L)));

        f.unbind(i);
        assertEquals(List.of(), f.vm().leftovers());
    }

    @Test
    void aCollidingHandlerIsEexistAsInTheFramework() throws GunyahException {
        FunctionUnderTest f = FunctionUnderTest.of(new Tally());
        f.bind(arg(0x0a00_0000L));
        GunyahException e = assertThrows(GunyahException.class, () -> f.bind(arg(0x0a00_0000L)));
        assertEquals(Errno.EEXIST, e.errno());
        f.unbindAll();
        assertEquals(List.of(), f.vm().leftovers());
    }

    @Test
    void aFailedBindThatLeavesAHandlerFailsTheTest() {
        Tally leaky = new Tally();
        leaky.leakOnFailure = true;
        FunctionUnderTest f = FunctionUnderTest.of(leaky);
        AssertionError e = assertThrows(AssertionError.class, () -> f.bind(arg(0x0a00_0000L)));
        assertTrue(e.getMessage().contains("a failed bind left [IO handler at 0xa000000"), e.getMessage());
    }

    @Test
    void eventFdsAreNamedByNumberAndStateListenersRun() throws GunyahException {
        FakeVmContext vm = new FakeVmContext();
        EventFd efd = vm.createEventFd();
        assertSame(efd, vm.eventFd(efd.fd()));
        efd.close();
        assertEquals(
                Errno.EBADF,
                assertThrows(GunyahException.class, () -> vm.eventFd(efd.fd())).errno());

        AtomicLong calls = new AtomicLong();
        var registration = vm.onStateChange(calls::incrementAndGet);
        vm.setState(VmState.RUNNING);
        registration.close();
        vm.setState(VmState.CRASHED);
        assertEquals(1, calls.get());
        assertEquals(List.of(), vm.leftovers());
    }
}
