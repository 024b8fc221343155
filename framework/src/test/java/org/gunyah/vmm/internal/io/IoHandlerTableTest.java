package org.gunyah.vmm.internal.io;

import static org.gunyah.vmm.testing.Errnos.assertErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.IoHandler;
import org.junit.jupiter.api.Test;

/** IO handlers as Linux's Gunyah VM manager keeps them: the collision classes and exact-address dispatch. */
class IoHandlerTableTest {
    static final long A = 0x9000_0000L;

    record H(long address, int length, boolean datamatch, long data, boolean takes) implements IoHandler {
        static H any(long a) {
            return new H(a, 0, false, 0, true);
        }

        static H plain(long a, int len) {
            return new H(a, len, false, 0, true);
        }

        static H match(long a, int len, long v) {
            return new H(a, len, true, v, true);
        }

        @Override
        public boolean write(long address, int length, long value) {
            return takes;
        }
    }

    final IoHandlerTable table = new IoHandlerTable();

    @Test
    void anAnyLengthHandlerExcludesEveryOtherAtItsAddress() throws GunyahException {
        table.add(H.any(A));
        assertErrno(Errno.EEXIST, () -> table.add(H.plain(A, 4)));
        assertErrno(Errno.EEXIST, () -> table.add(H.match(A, 4, 1)));
        assertErrno(Errno.EEXIST, () -> table.add(H.any(A)));
        table.add(H.plain(A + 4, 4));
    }

    @Test
    void anAnyLengthHandlerCannotJoinAnOccupiedAddress() throws GunyahException {
        table.add(H.match(A, 2, 1));
        assertErrno(Errno.EEXIST, () -> table.add(H.any(A)));
    }

    @Test
    void plainAndDatamatchHandlersOfOneLengthCollide() throws GunyahException {
        table.add(H.plain(A, 4));
        assertErrno(Errno.EEXIST, () -> table.add(H.match(A, 4, 7)));
        table.add(H.match(A, 8, 7));
        assertErrno(Errno.EEXIST, () -> table.add(H.plain(A, 8)));
    }

    @Test
    void datamatchHandlersWithDistinctValuesCoexistAndEqualOnesCollide() throws GunyahException {
        table.add(H.match(A, 4, 1));
        table.add(H.match(A, 4, 2));
        assertErrno(Errno.EEXIST, () -> table.add(H.match(A, 4, 2)));
        assertEquals(2, table.size());
    }

    @Test
    void datamatchNeedsALengthOf1To8AndAValueThatFits() {
        assertErrno(Errno.EINVAL, () -> table.add(H.match(A, 0, 1)));
        assertErrno(Errno.EINVAL, () -> table.add(H.match(A, 9, 1)));
        assertErrno(Errno.EINVAL, () -> table.add(H.match(A, 1, 0x100)));
        assertErrno(Errno.EINVAL, () -> table.add(H.plain(A, 9)));
        assertEquals(0, table.size());
    }

    @Test
    void dispatchIsByExactStartAddressLengthAndMaskedValue() throws GunyahException {
        H one = H.match(A, 1, 0x7f);
        H word = H.plain(A + 8, 4);
        table.add(one);
        table.add(word);
        assertSame(one, table.find(A, 1, 0xff7f), "the value is masked to the access length");
        assertNull(table.find(A, 2, 0x7f));
        assertNull(table.find(A + 1, 1, 0x7f));
        assertSame(word, table.find(A + 8, 4, 12345));
        assertNull(table.find(A + 10, 2, 0), "no range coverage");
    }

    @Test
    void writeIsTakenOnlyByAMatchingHandlerThatAcceptsIt() throws GunyahException {
        table.add(new H(A, 4, false, 0, false));
        table.add(H.plain(A + 4, 4));
        assertFalse(table.write(A, 4, 0), "the handler declined: MMIO exit");
        assertTrue(table.write(A + 4, 4, 0));
        assertFalse(table.write(A + 8, 4, 0), "nobody there");
    }

    @Test
    void removeTakesExactlyTheObjectThatWasAdded() throws GunyahException {
        H h = H.match(A, 4, 1);
        table.add(h);
        assertFalse(table.remove(H.match(A, 4, 1)), "an equal record is not the handler");
        assertTrue(table.remove(h));
        assertEquals(0, table.size());
        table.add(H.any(A));
    }

    @Test
    void aHundredThousandHandlersStillDispatchCorrectly() throws GunyahException {
        for (int i = 0; i < 100_000; i++) {
            table.add(H.match(A + 8L * (i / 4), 4, i % 4));
        }
        assertEquals(100_000, table.size());
        assertEquals(A + 8L * 12_345, table.find(A + 8L * 12_345, 4, 3).address());
        assertEquals(3, table.find(A + 8L * 12_345, 4, 3).data());
        assertNull(table.find(A + 8L * 12_345, 4, 4));
    }

    @Test
    void removingHandlersLeavesEveryOtherAddressDispatching() throws GunyahException {
        // more addresses than the table has buckets, so that removed and kept ones share buckets
        H[] plain = new H[3000];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = H.plain(A + 8L * i, 4);
            table.add(plain[i]);
        }
        for (int i = 0; i < plain.length; i += 2) {
            assertTrue(table.remove(plain[i]));
        }
        for (int i = 0; i < plain.length; i++) {
            assertEquals(i % 2 == 1 ? plain[i] : null, table.find(A + 8L * i, 4, 0), "address " + i);
        }
    }

    @Test
    void anAddressDispatchesWhileAnyOfItsHandlersIsLeft() throws GunyahException {
        H one = H.match(A, 4, 1);
        H two = H.match(A, 4, 2);
        table.add(one);
        table.add(two);
        assertTrue(table.remove(one));
        assertSame(two, table.find(A, 4, 2));
        assertTrue(table.remove(two));
        assertNull(table.find(A, 4, 2));
        table.add(one);
        assertSame(one, table.find(A, 4, 1), "added again after the address was empty");
    }
}
