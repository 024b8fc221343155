package org.gunyah.vmm.device.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a declaration may say to virtio-blk, and what it gets for saying it wrong: nothing made. */
class VirtioBlkOptionsTest {
    @TempDir
    Path dir;

    final FakeRam ram = new FakeRam(1 << 16);
    final FakeContext context = new FakeContext(ram);

    @AfterEach
    void close() {
        ram.close();
    }

    Path image(int bytes) throws Exception {
        return Files.write(dir.resolve("disk.img"), new byte[bytes]);
    }

    GunyahException refused(Map<String, String> options) {
        GunyahException e = assertThrows(
                GunyahException.class, () -> new VirtioBlkModel().create(context, options, Optional.empty()));
        assertTrue(context.doorbells.isEmpty(), "no doorbell was left taken");
        return e;
    }

    @Test
    void theModelIsAVirtioMmioTransportNamedVirtioBlk() {
        VirtioBlkModel model = new VirtioBlkModel();

        assertEquals("virtio-blk", model.name());
        assertEquals(0x200, model.windowSize());
        assertEquals("virtio,mmio", model.compatible());
    }

    @Test
    void anUnknownOptionIsEinvalNamingIt() throws Exception {
        GunyahException e = refused(Map.of("file", image(512).toString(), "cache", "none"));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("cache"), e.getMessage());
    }

    @Test
    void withoutAFileItIsEinvalNamingTheOption() {
        GunyahException e = refused(Map.of());

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("file="), e.getMessage());
    }

    @Test
    void aFileThatIsNotThereIsEnoent() {
        GunyahException e = refused(Map.of("file", dir.resolve("absent.img").toString()));

        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("absent.img"), e.getMessage());
    }

    @Test
    void aDirectoryIsEinval() {
        GunyahException e = refused(Map.of("file", dir.toString()));

        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void aFileOfPartOfASectorIsEinval() throws Exception {
        GunyahException e = refused(Map.of("file", image(1000).toString()));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("1000 bytes"), e.getMessage());
    }

    @Test
    void readonlyIsTrueOrFalse() throws Exception {
        GunyahException e = refused(Map.of("file", image(512).toString(), "readonly", "yes"));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("readonly=yes"), e.getMessage());
    }

    @Test
    void aSerialOfMoreThanTwentyCharactersIsEinval() throws Exception {
        GunyahException e = refused(Map.of("file", image(512).toString(), "serial", "123456789012345678901"));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("serial="), e.getMessage());
    }

    @Test
    void aSerialOfNonAsciiCharactersIsEinval() throws Exception {
        GunyahException e = refused(Map.of("file", image(512).toString(), "serial", "disque-é"));

        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void aFileTheHostMayNotWriteIsEaccesUnlessReadOnly() throws Exception {
        Path image = image(512);
        assertTrue(image.toFile().setWritable(false, false));
        org.junit.jupiter.api.Assumptions.assumeFalse(Files.isWritable(image), "root writes any file");

        assertEquals(Errno.EACCES, refused(Map.of("file", image.toString())).errno());
        new VirtioBlkModel()
                .create(context, Map.of("file", image.toString(), "readonly", "true"), Optional.empty())
                .close();
    }

    @Test
    void aRelativePathIsTakenFromTheWorkingDirectory() throws Exception {
        Path image = image(512);
        Path relative = Path.of("").toAbsolutePath().relativize(image);

        new VirtioBlkModel()
                .create(context, Map.of("file", relative.toString()), Optional.empty())
                .close();
    }
}
