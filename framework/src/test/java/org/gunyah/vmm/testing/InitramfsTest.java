package org.gunyah.vmm.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitramfsTest {
    private static final byte[] INIT = "#!/bin/sh\necho hello\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static Initramfs sample() {
        return new Initramfs()
                .directory("bin", 0755)
                .file("bin/tool", 0700, new byte[] {1, 2, 3})
                .symlink("bin/sh", "tool")
                .file("/init", 0755, INIT);
    }

    /** One newc entry as read back: name, mode, the device numbers and the data. */
    record Read(String name, int mode, int rdevMajor, int rdevMinor, byte[] data) {}

    private static List<Read> readBack(byte[] cpio) {
        List<Read> out = new ArrayList<>();
        int at = 0;
        while (true) {
            String header = new String(cpio, at, 110, StandardCharsets.US_ASCII);
            assertEquals(Initramfs.MAGIC, header.substring(0, 6));
            long[] f = new long[13];
            for (int i = 0; i < 13; i++) {
                f[i] = Long.parseLong(header.substring(6 + 8 * i, 14 + 8 * i), 16);
            }
            int nameSize = (int) f[11];
            String name = new String(cpio, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            assertEquals(0, cpio[at + 110 + nameSize - 1], "the name ends with NUL");
            int data = (at + 110 + nameSize + 3) & ~3;
            int size = (int) f[6];
            if (name.equals(Initramfs.TRAILER)) {
                assertEquals(cpio.length, (data + 3) & ~3, "nothing follows the trailer");
                return out;
            }
            byte[] bytes = java.util.Arrays.copyOfRange(cpio, data, data + size);
            out.add(new Read(name, (int) f[1], (int) f[9], (int) f[10], bytes));
            at = (data + size + 3) & ~3;
        }
    }

    @Test
    void entriesReadBackInOrderWithTheirTypesModesAndContents() {
        List<Read> read =
                readBack(sample().characterDevice("dev/console", 0600, 5, 1).cpio());

        assertEquals(
                List.of("bin", "bin/tool", "bin/sh", "init", "dev/console"),
                read.stream().map(Read::name).toList());
        assertEquals(Initramfs.S_IFDIR | 0755, read.get(0).mode());
        assertEquals(Initramfs.S_IFREG | 0700, read.get(1).mode());
        assertArrayEquals(new byte[] {1, 2, 3}, read.get(1).data());
        assertEquals(Initramfs.S_IFLNK | 0777, read.get(2).mode());
        assertArrayEquals(
                "tool".getBytes(StandardCharsets.US_ASCII), read.get(2).data());
        assertArrayEquals(INIT, read.get(3).data());
        assertEquals(Initramfs.S_IFCHR | 0600, read.get(4).mode());
        assertEquals(5, read.get(4).rdevMajor());
        assertEquals(1, read.get(4).rdevMinor());
    }

    @Test
    void theSameEntriesMakeTheSameBytes() {
        assertArrayEquals(sample().cpio(), sample().cpio());
    }

    @Test
    void gzipIsTheArchiveCompressed() throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(sample().gzip()))) {
            assertArrayEquals(sample().cpio(), in.readAllBytes());
        }
    }

    @Test
    void cpioExtractsItIntoTheFilesItDescribes() throws Exception {
        assumeTrue(onPath("cpio"), "cpio is not installed (apt-get install cpio)");
        Path archive = dir.resolve("initramfs.cpio");
        Files.write(archive, sample().cpio());
        Path root = Files.createDirectory(dir.resolve("root"));

        Process cpio = new ProcessBuilder("cpio", "-idv", "--no-absolute-filenames")
                .directory(root.toFile())
                .redirectInput(archive.toFile())
                .redirectErrorStream(true)
                .start();
        String listing = new String(cpio.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cpio.waitFor(30, TimeUnit.SECONDS), "cpio ended");

        assertEquals(0, cpio.exitValue(), listing);
        assertTrue(Files.isDirectory(root.resolve("bin")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(root.resolve("bin/tool")));
        assertEquals(
                "rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("bin/tool"))));
        assertEquals(Path.of("tool"), Files.readSymbolicLink(root.resolve("bin/sh")));
        assertArrayEquals(INIT, Files.readAllBytes(root.resolve("init")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("init"))));
    }

    @Test
    void aNameTheTrailerUsesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Initramfs().file(Initramfs.TRAILER, 0644, new byte[0]));
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, command))) {
                return true;
            }
        }
        return false;
    }
}
