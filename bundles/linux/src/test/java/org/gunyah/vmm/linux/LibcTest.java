package org.gunyah.vmm.linux;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

/** The calls that leave failures to their caller report them as -1 with the errno captured. */
class LibcTest {
    @Test
    void openOfAMissingFileReturnsMinusOneWithEnoent() {
        MemorySegment errno = Libc.newCapture();
        assertEquals(-1, Libc.open(errno, "/nonexistent/gunyah", Libc.O_RDWR | Libc.O_CLOEXEC));
        assertEquals(Errno.ENOENT.number(), Libc.errno(errno));
    }

    @Test
    void eventfdWithBadFlagsReturnsMinusOneWithEinval() {
        MemorySegment errno = Libc.newCapture();
        assertEquals(-1, Libc.eventfd(errno, 0, -1));
        assertEquals(Errno.EINVAL.number(), Libc.errno(errno));
    }

    @Test
    void anEventfdCountsWhatIsWrittenUntilItIsRead() {
        MemorySegment errno = Libc.newCapture();
        int fd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        assertTrue(fd >= 0, "eventfd failed with errno " + Libc.errno(errno));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment value = a.allocate(JAVA_LONG);
            value.set(JAVA_LONG, 0, 3);
            assertEquals(8, Libc.write(errno, fd, value));
            assertEquals(8, Libc.write(errno, fd, value));
            assertEquals(8, Libc.read(errno, fd, value));
            assertEquals(6, value.get(JAVA_LONG, 0));
            assertEquals(-1, Libc.read(errno, fd, value));
            assertEquals(Libc.EAGAIN, Libc.errno(errno));
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void aFailedCheckNamesTheCallAndItsErrno() {
        MemorySegment errno = Libc.newCapture();
        Libc.open(errno, "/nonexistent/gunyah", Libc.O_RDWR);
        GunyahException e =
                assertThrows(GunyahException.class, () -> Libc.check(-1, errno, "open /nonexistent/gunyah"));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("open /nonexistent/gunyah"), e.getMessage());
    }

    @Test
    void anonymousMemoryIsZeroWritableAndUnmappedWhenItsArenaCloses() throws Exception {
        Arena arena = Arena.ofShared();
        MemorySegment m = Libc.mmapAnonymous(1 << 20, arena, "test memory");
        String start = Long.toHexString(m.address());
        assertEquals(0L, m.get(JAVA_LONG, (1 << 20) - 8));
        m.set(JAVA_LONG, 4096, 42);
        assertEquals(42L, m.get(JAVA_LONG, 4096));
        assertTrue(mapped(start), "mapped at 0x" + start);

        arena.close();

        assertThrows(IllegalStateException.class, () -> m.get(JAVA_LONG, 0));
        assertFalse(mapped(start), "still mapped at 0x" + start);
    }

    private static boolean mapped(String hexStart) throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps")).stream()
                .anyMatch(line -> line.startsWith(hexStart + "-"));
    }
}
