package org.gunyah.vmm.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/**
 * An initramfs for Linux guests in tests: a cpio archive in the "newc" format the kernel unpacks
 * ({@code Documentation/driver-api/early-userspace/buffer-format.rst}), gzip-compressed on request.
 * Entries are written in the order they are added (a directory before what it holds), owned by
 * root, with mtime 0 so that the same entries make the same bytes; the trailer ends it.
 *
 * <pre>
 * byte[] initrd = new Initramfs()
 *         .directory("bin", 0755)
 *         .file("bin/busybox", 0755, Files.readAllBytes(busybox))
 *         .symlink("bin/sh", "busybox")
 *         .file("init", 0755, "#!/bin/sh\n...".getBytes())
 *         .gzip();
 * </pre>
 */
public final class Initramfs {
    /** File type bits of {@code st_mode}. */
    public static final int S_IFDIR = 0040000;

    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;
    static final String MAGIC = "070701";
    static final String TRAILER = "TRAILER!!!";

    private record Entry(String name, int mode, byte[] data, int rdevMajor, int rdevMinor) {}

    private final List<Entry> entries = new ArrayList<>();

    /** A directory; {@code permissions} such as {@code 0755}. */
    public Initramfs directory(String path, int permissions) {
        return add(new Entry(path, S_IFDIR | permissions(permissions), new byte[0], 0, 0));
    }

    /** A regular file with {@code content}. */
    public Initramfs file(String path, int permissions, byte[] content) {
        return add(new Entry(path, S_IFREG | permissions(permissions), content.clone(), 0, 0));
    }

    /** A regular file with the content of the host file {@code source}. */
    public Initramfs file(String path, int permissions, Path source) {
        try {
            return file(path, permissions, Files.readAllBytes(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A symbolic link to {@code target} (relative or absolute, as {@code ln -s} takes it). */
    public Initramfs symlink(String path, String target) {
        return add(new Entry(path, S_IFLNK | 0777, target.getBytes(StandardCharsets.UTF_8), 0, 0));
    }

    /** A character device node, such as {@code dev/console} (5, 1). */
    public Initramfs characterDevice(String path, int permissions, int major, int minor) {
        return add(new Entry(path, S_IFCHR | permissions(permissions), new byte[0], major, minor));
    }

    private Initramfs add(Entry entry) {
        String name = entry.name().startsWith("/") ? entry.name().substring(1) : entry.name();
        if (name.isEmpty() || name.equals(TRAILER)) {
            throw new IllegalArgumentException("initramfs entry name '" + entry.name() + "'");
        }
        entries.add(new Entry(name, entry.mode(), entry.data(), entry.rdevMajor(), entry.rdevMinor()));
        return this;
    }

    private static int permissions(int bits) {
        if ((bits & ~07777) != 0) {
            throw new IllegalArgumentException("permissions 0" + Integer.toOctalString(bits) + " are not 07777 bits");
        }
        return bits;
    }

    /** The archive, uncompressed. */
    public byte[] cpio() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int inode = 1;
        for (Entry e : entries) {
            write(out, inode++, e);
        }
        write(out, 0, new Entry(TRAILER, 0, new byte[0], 0, 0));
        return out.toByteArray();
    }

    /** The archive, gzip-compressed (the kernel unpacks it with {@code CONFIG_RD_GZIP}, as Debian's has). */
    public byte[] gzip() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(cpio());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** One newc header (110 bytes of "070701" and 13 eight-digit hex fields), the name, the data, each padded to 4. */
    private static void write(ByteArrayOutputStream out, int inode, Entry e) {
        byte[] name = (e.name() + "\0").getBytes(StandardCharsets.UTF_8);
        boolean directory = (e.mode() & 0170000) == S_IFDIR;
        StringBuilder h = new StringBuilder(MAGIC);
        for (long field : new long[] {
            inode,
            e.mode(),
            0,
            0,
            directory ? 2 : 1,
            0,
            e.data().length,
            0,
            0,
            e.rdevMajor(),
            e.rdevMinor(),
            name.length,
            0
        }) {
            h.append(String.format("%08x", field));
        }
        out.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        pad(out);
        out.writeBytes(e.data());
        pad(out);
    }

    private static void pad(ByteArrayOutputStream out) {
        while (out.size() % 4 != 0) {
            out.write(0);
        }
    }
}
