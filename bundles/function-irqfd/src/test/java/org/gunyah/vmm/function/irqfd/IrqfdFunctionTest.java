package org.gunyah.vmm.function.irqfd;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The argument rules and bookkeeping of the irqfd function on a real VM. */
class IrqfdFunctionTest {
    private final TestBed bed = new TestBed();
    private final TestFunctions.Provider provider = bed.provide(FunctionType.IRQFD, new IrqfdFunction());
    private final Vm vm;
    private final EventFd efd;

    IrqfdFunctionTest() throws GunyahException {
        vm = bed.vm();
        efd = bed.manager.createEventFd(0, 0);
    }

    @AfterEach
    void close() {
        bed.close();
    }

    private void assertUnchanged() {
        assertEquals(List.of(), vm.functions());
        assertEquals(0, provider.pins.get());
    }

    @Test
    void anArgumentThatIsNot16BytesIsEinval() {
        for (int size : new int[] {0, 4, 15, 17, 32}) {
            assertErrno(Errno.EINVAL, () -> vm.addFunction(new FunctionDesc(FunctionType.IRQFD, new byte[size])));
        }
        assertUnchanged();
    }

    @Test
    void flagsOtherThanLevelAndResampleAreEinval() {
        assertErrno(Errno.EINVAL, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, 4).desc()));
        assertErrno(Errno.EINVAL, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, 0x80000001).desc()));
        assertUnchanged();
    }

    @Test
    void resampleWithoutLevelIsEinval() throws GunyahException {
        EventFd resample = bed.manager.createEventFd(0, 0);
        GunyahException e = assertErrno(
                Errno.EINVAL, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, IrqfdArg.RESAMPLE, resample.fd()).desc()));
        assertTrue(e.getMessage().contains("RESAMPLE"), e.getMessage());
        assertUnchanged();
    }

    @Test
    void aResampleNumberThatIsNoOpenEventfdIsEbadf() throws GunyahException {
        int both = IrqfdArg.LEVEL | IrqfdArg.RESAMPLE;
        assertErrno(Errno.EBADF, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, both, 4242).desc()));
        EventFd resample = bed.manager.createEventFd(0, 0);
        resample.close();
        assertErrno(Errno.EBADF, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, both, resample.fd()).desc()));
        assertUnchanged();
    }

    @Test
    void withoutResampleThePaddingIsIgnored() throws GunyahException {
        byte[] arg = new IrqfdArg(efd.fd(), 1, IrqfdArg.LEVEL).encode();
        arg[12] = 0x42;
        vm.addFunction(new FunctionDesc(FunctionType.IRQFD, arg));
        assertEquals(1, vm.functions().size());
    }

    @Test
    void aResampledLevelIrqfdIsAdded() throws GunyahException {
        EventFd resample = bed.manager.createEventFd(0, 0);
        vm.addFunction(new IrqfdArg(efd.fd(), 1, IrqfdArg.LEVEL | IrqfdArg.RESAMPLE, resample.fd()).desc());
        assertEquals(1, vm.functions().size());
        assertEquals(1, provider.pins.get());
    }

    @Test
    void aNumberThatIsNoOpenEventfdIsEbadf() {
        assertErrno(Errno.EBADF, () -> vm.addFunction(new IrqfdArg(4242, 1, 0).desc()));
        efd.close();
        assertErrno(Errno.EBADF, () -> vm.addFunction(new IrqfdArg(efd.fd(), 1, 0).desc()));
        assertUnchanged();
    }

    @Test
    void aSecondIrqfdWithTheSameLabelIsEexist() throws GunyahException {
        EventFd other = bed.manager.createEventFd(0, 0);
        vm.addFunction(new IrqfdArg(efd.fd(), 7, 0).desc());
        assertErrno(Errno.EEXIST, () -> vm.addFunction(new IrqfdArg(other.fd(), 7, IrqfdArg.LEVEL).desc()));
        assertEquals(1, vm.functions().size());
        assertEquals(1, provider.pins.get());
    }

    @Test
    void removalNamesTheLabelWhateverTheFdAndFlags() throws GunyahException {
        vm.addFunction(new IrqfdArg(efd.fd(), 7, IrqfdArg.LEVEL).desc());
        assertErrno(Errno.ENOENT, () -> vm.removeFunction(new IrqfdArg(efd.fd(), 8, IrqfdArg.LEVEL).desc()));
        vm.removeFunction(new IrqfdArg(0, 7, 0).desc());
        assertUnchanged();
    }

    @Test
    void removingTheIrqfdStopsListeningToTheEventfd() throws GunyahException {
        vm.addFunction(new IrqfdArg(efd.fd(), 7, 0).desc());
        vm.removeFunction(new IrqfdArg(efd.fd(), 7, 0).desc());
        efd.write(3);
        assertEquals(3, efd.read(), "nobody drained it: the irqfd no longer listens");
    }
}
