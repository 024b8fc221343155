package org.gunyah.vmm.device.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The disk image behind one virtio-blk device: the open file, its capacity in 512-byte sectors
 * (fixed when it is opened), whether the guest may write it, and the serial GET_ID answers.
 * Transfers are positional, straight between the file and guest memory, and never reach outside
 * the capacity.
 */
final class Disk implements AutoCloseable {
    static final int SECTOR = 512;
    /** GET_ID's answer: 20 bytes, NUL-padded (virtio 1.2 section 5.2.6). */
    static final int ID_BYTES = 20;

    private static final Set<String> OPTIONS = Set.of("file", "readonly", "serial");

    final Path path;
    final boolean readOnly;
    final byte[] serial;
    final long sectors;
    private final FileChannel channel;

    private Disk(Path path, boolean readOnly, byte[] serial, long sectors, FileChannel channel) {
        this.path = path;
        this.readOnly = readOnly;
        this.serial = serial;
        this.sectors = sectors;
        this.channel = channel;
    }

    /**
     * The disk the options name: {@code file=<path>} (required; resolved by the declaration when
     * relative), {@code
     * readonly=true|false} (default false), {@code serial=<up to 20 printable ASCII characters>}
     * (default: the file's name, cut to 20). EINVAL naming an unknown or malformed option, ENOENT
     * for a file that is not there, EACCES for one that cannot be opened as asked, EINVAL for one
     * that is not a whole number of sectors; nothing stays open then.
     */
    static Disk open(Map<String, String> options) throws GunyahException {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(OPTIONS);
        if (!unknown.isEmpty()) {
            throw GunyahException.of(
                    Errno.EINVAL, "virtio-blk: unknown option %s (it takes file, readonly, serial)", unknown);
        }
        String file = options.get("file");
        if (file == null || file.isEmpty()) {
            throw GunyahException.of(Errno.EINVAL, "virtio-blk needs file=<path of the disk image>");
        }
        Path path;
        try {
            path = Path.of(file).toAbsolutePath().normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw GunyahException.of(Errno.EINVAL, "virtio-blk: file=%s is not a path", file);
        }
        boolean readOnly = parseReadOnly(options.getOrDefault("readonly", "false"));
        byte[] serial = options.containsKey("serial") ? parseSerial(options.get("serial")) : defaultSerial(path);
        if (Files.isDirectory(path)) {
            throw GunyahException.of(Errno.EINVAL, "virtio-blk: file=%s is a directory", path);
        }
        FileChannel channel;
        try {
            channel = readOnly
                    ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw GunyahException.of(Errno.ENOENT, "virtio-blk: file=%s does not exist", path);
        } catch (AccessDeniedException e) {
            throw GunyahException.of(
                    Errno.EACCES,
                    "virtio-blk: file=%s cannot be opened for %s",
                    path,
                    readOnly ? "reading" : "writing");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw GunyahException.of(Errno.EACCES, "virtio-blk: file=%s cannot be opened: %s", path, e.getMessage());
        }
        try {
            long size = channel.size();
            if (size % SECTOR != 0) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "virtio-blk: file=%s holds %d bytes, not a whole number of %d-byte sectors",
                        path,
                        size,
                        SECTOR);
            }
            return new Disk(path, readOnly, serial, size / SECTOR, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw GunyahException.of(Errno.EIO, "virtio-blk: file=%s: %s", path, e.getMessage());
        } catch (GunyahException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static boolean parseReadOnly(String value) throws GunyahException {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw GunyahException.of(Errno.EINVAL, "virtio-blk: readonly=%s is not true or false", value);
        };
    }

    private static byte[] parseSerial(String value) throws GunyahException {
        if (value.length() > ID_BYTES || !value.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "virtio-blk: serial=%s is not at most %d printable ASCII characters",
                    value,
                    ID_BYTES);
        }
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    /** The file's name as printable ASCII (others become '_'), cut to the 20 bytes GET_ID has. */
    private static byte[] defaultSerial(Path path) {
        Path name = path.getFileName();
        String text = name == null ? "" : name.toString();
        StringBuilder b = new StringBuilder();
        text.chars().limit(ID_BYTES).forEach(c -> b.append(c >= 0x20 && c < 0x7f ? (char) c : '_'));
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Fills {@code target} from the file at {@code position}; false at an end of file come early. */
    boolean read(ByteBuffer target, long position) throws IOException {
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                return false;
            }
            position += n;
        }
        return true;
    }

    /** Writes all of {@code source} to the file at {@code position}. */
    void write(ByteBuffer source, long position) throws IOException {
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
    }

    /** Makes what was written durable (the guest's FLUSH). */
    void force() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a file we only read or positionally wrote: nothing left to save
        }
    }
}
