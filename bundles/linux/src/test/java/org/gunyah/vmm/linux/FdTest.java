package org.gunyah.vmm.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

/** Owned file descriptors: each number is closed once, whoever closes it how often. */
class FdTest {
    private static long write(Fd fd, long value) {
        MemorySegment v = Arena.ofAuto().allocate(JAVA_LONG);
        v.set(JAVA_LONG, 0, value);
        return Libc.write(Libc.newCapture(), fd.value(), v);
    }

    @Test
    void closingTwiceLeavesTheNumbersNextOwnerAlone() throws GunyahException {
        Fd first = Fd.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        first.close();
        try (Fd next = Fd.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK)) {
            assertEquals(first.value(), next.value(), "the kernel reuses the lowest free number");
            first.close();
            assertEquals(8, write(next, 1), "the second close did not close the new owner's fd");
        }
    }

    @Test
    void aDuplicateOutlivesTheOriginal() throws GunyahException {
        Fd original = Fd.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        try (Fd copy = original.duplicate()) {
            original.close();
            assertEquals(8, write(copy, 1));
        }
    }
}
