package org.gunyah.vmm.function.ioeventfd;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.gunyah.vmm.spi.VmContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IoeventfdFunctionTest {
    static final long ADDR = 0x0900_1000L;

    private final TestBed bed = new TestBed();
    private final TestFunctions.Provider provider = bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
    private final Vm vm;
    private final VmContext guest;
    private final EventFd efd;

    IoeventfdFunctionTest() throws GunyahException {
        vm = bed.vm();
        guest = bed.context(vm);
        efd = bed.manager.createEventFd(0, EventFd.NONBLOCK);
    }

    @AfterEach
    void close() {
        bed.close();
    }

    /** Everything the VM holds for functions other than the context probe. */
    private List<FunctionDesc> ioeventfds() {
        return vm.functions().stream()
                .filter(d -> d.type() == FunctionType.IOEVENTFD)
                .toList();
    }

    private void assertUnchanged() {
        assertEquals(List.of(), ioeventfds());
        assertEquals(0, provider.pins.get());
    }

    @Test
    void anArgumentThatIsNot32BytesIsEinval() {
        for (int size : new int[] {0, 16, 31, 33}) {
            assertErrno(Errno.EINVAL, () -> vm.addFunction(new FunctionDesc(FunctionType.IOEVENTFD, new byte[size])));
        }
        assertUnchanged();
    }

    @Test
    void unknownFlagsAreEinvalIncludingCrosvmsDatamatchValueOf2() {
        assertErrno(Errno.EINVAL, () -> vm.addFunction(new IoeventfdArg(1, ADDR, 4, efd.fd(), 2).desc()));
        assertUnchanged();
    }

    @Test
    void aLengthOtherThan0124Or8IsEinval() {
        for (int len : new int[] {3, 5, 16, -1}) {
            assertErrno(
                    Errno.EINVAL,
                    () -> vm.addFunction(IoeventfdArg.of(ADDR, len, efd.fd()).desc()));
        }
        assertUnchanged();
    }

    @Test
    void anAddressRangeThatOverflowsIsEinval() {
        assertErrno(
                Errno.EINVAL,
                () -> vm.addFunction(IoeventfdArg.of(-2L, 4, efd.fd()).desc()));
        assertUnchanged();
    }

    @Test
    void datamatchWithLength0IsEinval() {
        assertErrno(
                Errno.EINVAL,
                () -> vm.addFunction(IoeventfdArg.matching(ADDR, 0, 1, efd.fd()).desc()));
        assertUnchanged();
    }

    @Test
    void aNumberThatIsNoOpenEventfdIsEbadf() {
        efd.close();
        assertErrno(
                Errno.EBADF,
                () -> vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc()));
        assertErrno(
                Errno.EBADF, () -> vm.addFunction(IoeventfdArg.of(ADDR, 4, -1).desc()));
        assertErrno(
                Errno.EBADF, () -> vm.addFunction(IoeventfdArg.of(ADDR, 4, 9999).desc()));
        assertUnchanged();
    }

    @Test
    void aSecondIoeventfdOnTheSameKeyIsEexist() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        assertErrno(
                Errno.EEXIST,
                () -> vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc()));
        assertErrno(
                Errno.EEXIST,
                () -> vm.addFunction(IoeventfdArg.matching(ADDR, 4, 7, efd.fd()).desc()));
        assertEquals(1, ioeventfds().size());
        assertEquals(1, provider.pins.get());
    }

    @Test
    void datamatchIoeventfdsWithDistinctValuesCoexistAndEachTakesOnlyItsValue() throws GunyahException {
        EventFd other = bed.manager.createEventFd(0, EventFd.NONBLOCK);
        vm.addFunction(IoeventfdArg.matching(ADDR, 4, 1, efd.fd()).desc());
        vm.addFunction(IoeventfdArg.matching(ADDR, 4, 2, other.fd()).desc());
        assertTrue(guest.mmioWrite(ADDR, 4, 2));
        assertEquals(0, efd.read(Duration.ZERO).orElse(0));
        assertEquals(1, other.read(Duration.ZERO).orElseThrow());
        assertFalse(guest.mmioWrite(ADDR, 4, 3), "a value nobody matches exits to the VMM");
        assertFalse(guest.mmioWrite(ADDR, 2, 1), "so does a write of another length");
    }

    @Test
    void aMatchingGuestWriteAddsOneToTheEventfd() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        for (int i = 0; i < 5; i++) {
            assertTrue(guest.mmioWrite(ADDR, 4, i));
        }
        assertEquals(5, efd.read(Duration.ZERO).orElseThrow());
    }

    @Test
    void length0TakesAWriteOfAnyLength() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 0, efd.fd()).desc());
        assertTrue(guest.mmioWrite(ADDR, 1, 0));
        assertTrue(guest.mmioWrite(ADDR, 8, 0));
        assertEquals(2, efd.read(Duration.ZERO).orElseThrow());
    }

    @Test
    void aNonDatamatchIoeventfdHonoursItsLength() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        assertFalse(
                guest.mmioWrite(ADDR, 2, 0),
                "Gunyah's kernel code matches any size without DATAMATCH; KVM does not, nor do we");
        assertFalse(guest.mmioWrite(ADDR + 4, 4, 0), "matching is on the exact start address");
    }

    @Test
    void removalNamesTheWholeKey() throws GunyahException {
        vm.addFunction(IoeventfdArg.matching(ADDR, 4, 1, efd.fd()).desc());
        assertErrno(
                Errno.ENOENT,
                () -> vm.removeFunction(
                        IoeventfdArg.matching(ADDR, 4, 2, efd.fd()).desc()));
        assertErrno(
                Errno.ENOENT,
                () -> vm.removeFunction(IoeventfdArg.of(ADDR, 0, 0).desc()));
        vm.removeFunction(IoeventfdArg.matching(ADDR, 4, 1, 12345).desc());
        assertUnchanged();
    }

    @Test
    void afterRemovalAGuestWriteExitsAndNeverReachesTheEventfd() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        vm.removeFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        assertFalse(guest.mmioWrite(ADDR, 4, 1));
        assertEquals(0, efd.read(Duration.ZERO).orElse(0));
    }

    @Test
    void closingTheVmRemovesTheHandlerAndUnpins() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        vm.close();
        assertEquals(0, provider.pins.get());
        assertFalse(efd.isClosed(), "the eventfd belongs to its creator, not to the VM");
    }

    @Test
    void anEventfdClosedWhileBoundStillTakesTheWriteHarmlesslyAndTheFunctionStillGoes() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());
        efd.close();

        assertTrue(
                guest.mmioWrite(ADDR, 4, 1),
                "as in Linux, the ioeventfd holds on to its eventfd: the write is still taken");
        vm.removeFunction(IoeventfdArg.of(ADDR, 4, efd.fd()).desc());

        assertUnchanged();
        assertFalse(guest.mmioWrite(ADDR, 4, 1));
    }

    @Test
    void anIoeventfdInsideGuestRamIsEinvalSinceRamAccessesNeverExit() throws GunyahException {
        vm.setUserMemoryRegion(new org.gunyah.vmm.api.MemoryRegion(
                0, org.gunyah.vmm.api.MemoryRegion.RWX, 0x4000_0000L, bed.arena.allocate(0x2000, 4096)));

        assertErrno(
                Errno.EINVAL,
                () -> vm.addFunction(IoeventfdArg.of(0x4000_1ffcL, 4, efd.fd()).desc()));
        assertErrno(
                Errno.EINVAL,
                () -> vm.addFunction(IoeventfdArg.of(0x3fff_fffeL, 4, efd.fd()).desc()));
        assertUnchanged();
        vm.addFunction(IoeventfdArg.of(0x4000_2000L, 4, efd.fd()).desc());
        vm.addFunction(IoeventfdArg.of(0x3fff_fffcL, 4, efd.fd()).desc());
    }

    @Test
    void guestRamOverAnIoeventfdIsEexist() throws GunyahException {
        vm.addFunction(IoeventfdArg.of(0x4000_1000L, 0, efd.fd()).desc());

        assertErrno(
                Errno.EEXIST,
                () -> vm.setUserMemoryRegion(new org.gunyah.vmm.api.MemoryRegion(
                        0, org.gunyah.vmm.api.MemoryRegion.RWX, 0x4000_0000L, bed.arena.allocate(0x2000, 4096))));
    }
}
