package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.managed.VmSpec;

/**
 * The 64-byte header of an arm64 Linux kernel {@code Image} ({@code Documentation/arch/arm64/booting.rst}),
 * all fields little-endian:
 *
 * <pre>
 * 0x00 code0, 0x04 code1     the first instructions (or "MZ" for the EFI stub)
 * 0x08 text_offset           where the image goes above a 2 MiB-aligned base
 * 0x10 image_size            bytes the kernel uses from its start, BSS included
 * 0x18 flags                 bit 0 big-endian; bits 1-2 page size (0 unspecified, 1 4K, 2 16K, 3 64K)
 * 0x38 magic                 "ARM\x64"
 * </pre>
 *
 * {@link #read} refuses, with EINVAL naming the file and what is wrong, anything this VMM cannot
 * boot: not an Image at all (a compressed vmlinuz, a random file), a big-endian kernel, one built
 * for pages other than 4 KiB (the emulated MMU's granule), a kernel older than 3.17 (its
 * {@code image_size} is 0, so its BSS is unknown and an initrd or devicetree could land inside it).
 */
record ArmLinuxImage(Path file, long fileSize, long textOffset, long imageSize, long flags) {
    static final int HEADER_SIZE = 64;
    /** "ARM\x64" read as a little-endian u32 at {@link #MAGIC_OFFSET}. */
    static final int MAGIC = 0x644d5241;

    static final int MAGIC_OFFSET = 0x38;
    static final long FLAG_BIG_ENDIAN = 1;
    static final long PAGE_SIZE_4K = 1;
    private static final long TWO_MIB = 2L << 20;

    /** The header of {@code file}: ENOENT when it cannot be read, EINVAL when it is not an arm64 Image this VMM boots. */
    static ArmLinuxImage read(Path file) throws GunyahException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        long size;
        try (FileChannel in = FileChannel.open(file)) {
            size = in.size();
            while (header.hasRemaining() && in.read(header) >= 0) {
                // a short read of a regular file only happens at its end
            }
        } catch (IOException e) {
            throw GunyahException.of(Errno.ENOENT, "cannot read kernel %s: %s", file, e.getMessage());
        }
        if (header.position() < HEADER_SIZE) {
            throw notAnImage(file, "it is %d bytes long, shorter than the %d-byte Image header", size, HEADER_SIZE);
        }
        int magic = header.getInt(MAGIC_OFFSET);
        if (magic != MAGIC) {
            throw notAnImage(file, "no \"ARM\\x64\" magic at offset 0x38 (found 0x%08x)%s", magic, hint(header));
        }
        long textOffset = header.getLong(0x08);
        long imageSize = header.getLong(0x10);
        long flags = header.getLong(0x18);
        if ((flags & FLAG_BIG_ENDIAN) != 0) {
            throw notAnImage(file, "it is a big-endian kernel (flags bit 0); only little-endian ones run here");
        }
        long pageSize = (flags >>> 1) & 3;
        if (pageSize > PAGE_SIZE_4K) {
            throw notAnImage(
                    file,
                    "it is built for %d KiB pages (flags bits 1-2); the emulated MMU has 4 KiB pages",
                    pageSize == 2 ? 16 : 64);
        }
        if (imageSize == 0) {
            throw notAnImage(file, "image_size is 0 (a kernel before Linux 3.17), so its memory footprint is unknown");
        }
        if (Long.compareUnsigned(imageSize, VmSpec.MAX_MEMORY) > 0) {
            throw notAnImage(file, "image_size 0x%x is larger than any VM's RAM", imageSize);
        }
        if (Long.compareUnsigned(imageSize, size) < 0) {
            throw notAnImage(file, "image_size 0x%x is smaller than the file (%d bytes)", imageSize, size);
        }
        if (Long.compareUnsigned(textOffset, TWO_MIB) >= 0 || textOffset % 4096 != 0) {
            throw notAnImage(file, "text_offset 0x%x is not a 4 KiB multiple below 2 MiB", textOffset);
        }
        return new ArmLinuxImage(file, size, textOffset, imageSize, flags);
    }

    /** What a file without the magic probably is, for the message. */
    private static String hint(ByteBuffer header) {
        if ((header.get(0) & 0xff) == 0x1f && (header.get(1) & 0xff) == 0x8b) {
            return ": it is gzip-compressed; give the uncompressed Image (gunzip it)";
        }
        if (header.get(0) == 'M' && header.get(1) == 'Z' && header.getInt(4) == 0x676d697a) {
            return ": it is an EFI zboot image; give the uncompressed Image";
        }
        if (header.getInt(0) == 0x464c457f) {
            return ": it is an ELF file (vmlinux?); give the Image";
        }
        return "";
    }

    private static GunyahException notAnImage(Path file, String what, Object... args) {
        return GunyahException.of(
                Errno.EINVAL, "kernel %s is not an arm64 Linux Image: %s", file, what.formatted(args));
    }
}
