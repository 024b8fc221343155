package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.testing.DebianArm64;
import org.gunyah.vmm.testing.Errnos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArmLinuxImageTest {
    @TempDir
    Path dir;

    /** A 64-byte Image header with these fields, then {@code body} zero bytes. */
    static byte[] header(long textOffset, long imageSize, long flags, int magic, int body) {
        ByteBuffer b = ByteBuffer.allocate(ArmLinuxImage.HEADER_SIZE + body).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x1400_0010); // code0: b +0x40
        b.putLong(0x08, textOffset);
        b.putLong(0x10, imageSize);
        b.putLong(0x18, flags);
        b.putInt(ArmLinuxImage.MAGIC_OFFSET, magic);
        return b.array();
    }

    private Path file(String name, byte[] content) throws Exception {
        return Files.write(dir.resolve(name), content);
    }

    private GunyahException refused(Path file) {
        GunyahException e = Errnos.assertErrno(Errno.EINVAL, () -> ArmLinuxImage.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("is not an arm64 Linux Image"), e.getMessage());
        return e;
    }

    @Test
    void debiansKernelIsAnImageWithItsTextOffsetAndSize() throws Exception {
        Path kernel = DebianArm64.kernel();

        ArmLinuxImage image = ArmLinuxImage.read(kernel);

        assertEquals(0, image.textOffset(), "every kernel since 5.8 has text_offset 0");
        assertEquals(Files.size(kernel), image.fileSize());
        assertTrue(image.imageSize() > image.fileSize(), "image_size counts the BSS the file does not hold");
        assertEquals(ArmLinuxImage.PAGE_SIZE_4K, (image.flags() >>> 1) & 3, "Debian's cloud kernel has 4 KiB pages");
        assertEquals(0, image.flags() & ArmLinuxImage.FLAG_BIG_ENDIAN);
    }

    @Test
    void aHandMadeHeaderReadsAsWritten() throws Exception {
        ArmLinuxImage image = ArmLinuxImage.read(file("Image", header(0x80000, 0x20_0000, 2, ArmLinuxImage.MAGIC, 64)));

        assertEquals(0x80000, image.textOffset());
        assertEquals(0x20_0000, image.imageSize());
        assertEquals(128, image.fileSize());
    }

    @Test
    void aFileShorterThanTheHeaderIsRefused() throws Exception {
        assertTrue(refused(file("short", new byte[10])).getMessage().contains("shorter than the 64-byte"));
    }

    @Test
    void aFileWithoutTheMagicIsRefused() throws Exception {
        assertTrue(refused(file("text", header(0, 4096, 2, 0x1234_5678, 0)))
                .getMessage()
                .contains("magic"));
    }

    @Test
    void aGzippedKernelIsRefusedSayingSo() throws Exception {
        byte[] gz = new byte[100];
        gz[0] = 0x1f;
        gz[1] = (byte) 0x8b;

        assertTrue(refused(file("vmlinuz", gz)).getMessage().contains("gzip-compressed"));
    }

    @Test
    void aBigEndianKernelIsRefused() throws Exception {
        assertTrue(refused(file("be", header(0, 4096, 3, ArmLinuxImage.MAGIC, 0)))
                .getMessage()
                .contains("big-endian"));
    }

    @Test
    void aKernelFor64KibPagesIsRefused() throws Exception {
        assertTrue(refused(file("64k", header(0, 4096, 6, ArmLinuxImage.MAGIC, 0)))
                .getMessage()
                .contains("64 KiB pages"));
    }

    @Test
    void aKernelWithoutImageSizeIsRefused() throws Exception {
        assertTrue(refused(file("old", header(0x80000, 0, 0, ArmLinuxImage.MAGIC, 0)))
                .getMessage()
                .contains("image_size is 0"));
    }

    @Test
    void anImageSizeBelowTheFilesIsRefused() throws Exception {
        assertTrue(refused(file("small", header(0, 64, 2, ArmLinuxImage.MAGIC, 4096)))
                .getMessage()
                .contains("smaller than the file"));
    }

    @Test
    void anImageSizeBeyondAnyVmsRamIsRefused() throws Exception {
        assertTrue(refused(file("huge", header(0, -4096, 2, ArmLinuxImage.MAGIC, 0)))
                .getMessage()
                .contains("larger than any VM's RAM"));
    }

    @Test
    void aTextOffsetOf2MibOrMoreIsRefused() throws Exception {
        assertTrue(refused(file("far", header(2 << 20, 4096, 2, ArmLinuxImage.MAGIC, 0)))
                .getMessage()
                .contains("text_offset"));
    }

    @Test
    void aMissingFileIsEnoent() {
        Errnos.assertErrno(Errno.ENOENT, () -> ArmLinuxImage.read(dir.resolve("absent")));
    }
}
