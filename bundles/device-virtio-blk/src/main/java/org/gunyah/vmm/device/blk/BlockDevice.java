package org.gunyah.vmm.device.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.virtio.DescriptorChain;
import org.gunyah.vmm.virtio.DeviceWorker;
import org.gunyah.vmm.virtio.VirtioDevice;
import org.gunyah.vmm.virtio.Virtqueue;

/**
 * The block device (virtio 1.2 section 5.2): one request queue whose chains are a 16-byte header
 * (type, reserved, sector), the data, and a status byte in the last writable byte. Requests are
 * served in ring order on one worker thread of its own, so a notification never blocks the thread
 * that brings it; a pause (the device being replaced) waits for the request in hand and leaves the
 * rest on the ring for the successor. A request the guest got wrong is answered IOERR when it has
 * a status byte and given back empty when it has none; it never reaches outside the disk.
 *
 * <p>DISCARD succeeds without touching the file (the spec lets a device keep discarded data; a
 * sparse file could punch holes instead), WRITE_ZEROES writes zero bytes.
 */
final class BlockDevice implements VirtioDevice, AutoCloseable {
    static final int DEVICE_ID = 2;
    static final int QUEUE_SIZE = 128;

    static final long F_SEG_MAX = 1L << 2;
    static final long F_RO = 1L << 5;
    static final long F_BLK_SIZE = 1L << 6;
    static final long F_FLUSH = 1L << 9;
    static final long F_DISCARD = 1L << 13;
    static final long F_WRITE_ZEROES = 1L << 14;

    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int T_DISCARD = 11;
    static final int T_WRITE_ZEROES = 13;

    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;

    static final int HEADER_BYTES = 16;
    /** One DISCARD or WRITE_ZEROES segment: le64 sector, le32 num_sectors, le32 flags. */
    static final int SEGMENT_BYTES = 16;
    /** The one flag a WRITE_ZEROES segment may carry (the device may deallocate). */
    static final int FLAG_UNMAP = 1;
    /** Header and status take two descriptors of a chain the queue's size allows. */
    static final int SEG_MAX = QUEUE_SIZE - 2;
    /** Per segment of DISCARD and WRITE_ZEROES: 2 GiB, a bound on one request's work. */
    static final int MAX_RANGE_SECTORS = 1 << 22;

    static final int MAX_RANGE_SEGMENTS = 32;

    /**
     * The configuration space (section 5.2.4) up to write_zeroes_may_unmap and its padding:
     * capacity, size_max, seg_max, geometry, blk_size, topology, writeback, num_queues, then the
     * discard and write zeroes limits.
     */
    static final int CONFIG_BYTES = 60;

    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

    private final GuestRam ram;
    private final Disk disk;
    private final byte[] config;
    private final DeviceWorker worker;
    // Guarded by this.
    private Virtqueue queue;

    BlockDevice(String vmName, GuestRam ram, Disk disk) {
        this.ram = ram;
        this.disk = disk;
        this.config = config(disk);
        this.worker = new DeviceWorker("virtio-blk-" + vmName, Duration.ofSeconds(30));
    }

    private static byte[] config(Disk disk) {
        ByteBuffer c = ByteBuffer.allocate(CONFIG_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, disk.sectors);
        c.putInt(12, SEG_MAX);
        c.putInt(20, Disk.SECTOR);
        c.putShort(34, (short) 1);
        c.putInt(36, MAX_RANGE_SECTORS);
        c.putInt(40, MAX_RANGE_SEGMENTS);
        c.putInt(44, 1);
        c.putInt(48, MAX_RANGE_SECTORS);
        c.putInt(52, MAX_RANGE_SEGMENTS);
        return c.array();
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    /** A read-only disk offers neither DISCARD nor WRITE_ZEROES, and answers them IOERR. */
    @Override
    public long features() {
        long f = F_SEG_MAX | F_BLK_SIZE | F_FLUSH;
        return disk.readOnly ? f | F_RO : f | F_DISCARD | F_WRITE_ZEROES;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return CONFIG_BYTES;
    }

    @Override
    public long readConfig(int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = value << 8 | config[offset + i] & 0xff;
        }
        return value;
    }

    /** Only writeback is writable, and only with CONFIG_WCE, which is not offered. */
    @Override
    public void writeConfig(int offset, int size, long value) {}

    @Override
    public synchronized void activate(long features, List<Virtqueue> queues) {
        queue = queues.stream().filter(q -> q.index() == 0).findFirst().orElse(null);
    }

    @Override
    public void notify(int index) {
        worker.submit(this::serve);
    }

    @Override
    public void reset() {
        synchronized (this) {
            queue = null;
        }
        worker.drain();
    }

    /** Serves every request on the ring, until it is empty or the device pauses. */
    private void serve() {
        while (true) {
            Virtqueue q;
            synchronized (this) {
                if (worker.paused() || queue == null) {
                    return;
                }
                q = queue;
            }
            Optional<DescriptorChain> next = q.next();
            if (next.isEmpty()) {
                return;
            }
            q.complete(next.get(), serve(next.get()));
        }
    }

    /** Carries out one request: the bytes written into its writable buffers. */
    long serve(DescriptorChain chain) {
        Region readable = new Region(chain, false);
        Region writable = new Region(chain, true);
        if (writable.length == 0) {
            return 0; // no status byte to say anything in
        }
        long statusAt = writable.length - 1;
        int status;
        try {
            status = execute(readable, writable.prefix(statusAt));
        } catch (IOException | GunyahException | RuntimeException e) {
            status = S_IOERR;
        }
        try {
            writable.put(statusAt, (byte) status);
        } catch (GunyahException e) {
            return 0; // the queue checked it was RAM; say nothing was written
        }
        return writable.length;
    }

    private int execute(Region readable, Region data) throws IOException, GunyahException {
        if (readable.length < HEADER_BYTES) {
            return S_IOERR;
        }
        ByteBuffer header = readable.copy(0, HEADER_BYTES);
        int type = header.getInt(0);
        long sector = header.getLong(8);
        Region payload = readable.suffix(HEADER_BYTES);
        return switch (type) {
            case T_IN -> read(sector, data);
            case T_OUT -> disk.readOnly ? S_IOERR : write(sector, payload);
            case T_FLUSH -> flush();
            case T_GET_ID -> id(data);
            case T_DISCARD -> disk.readOnly ? S_IOERR : ranges(payload, false);
            case T_WRITE_ZEROES -> disk.readOnly ? S_IOERR : ranges(payload, true);
            default -> S_UNSUPP;
        };
    }

    /** Whether [sector, sector + bytes / 512) is on the disk. */
    private boolean onDisk(long sector, long bytes) {
        long count = bytes / Disk.SECTOR;
        return Long.compareUnsigned(sector, disk.sectors) <= 0 && count <= disk.sectors - sector;
    }

    private int read(long sector, Region data) throws IOException, GunyahException {
        if (data.length % Disk.SECTOR != 0 || !onDisk(sector, data.length)) {
            return S_IOERR;
        }
        long position = sector * Disk.SECTOR;
        for (ByteBuffer b : data.buffers()) {
            int n = b.remaining();
            if (!disk.read(b, position)) {
                return S_IOERR;
            }
            position += n;
        }
        return S_OK;
    }

    private int write(long sector, Region data) throws IOException, GunyahException {
        if (data.length % Disk.SECTOR != 0 || !onDisk(sector, data.length)) {
            return S_IOERR;
        }
        long position = sector * Disk.SECTOR;
        for (ByteBuffer b : data.buffers()) {
            int n = b.remaining();
            disk.write(b, position);
            position += n;
        }
        return S_OK;
    }

    private int flush() throws IOException {
        if (!disk.readOnly) {
            disk.force();
        }
        return S_OK;
    }

    /** The serial, NUL-padded to 20 bytes, in as much as the driver gave room for. */
    private int id(Region data) throws GunyahException {
        byte[] id = new byte[Disk.ID_BYTES];
        System.arraycopy(disk.serial, 0, id, 0, disk.serial.length);
        long n = Math.min(data.length, id.length);
        for (int i = 0; i < n; i++) {
            data.put(i, id[i]);
        }
        return S_OK;
    }

    /**
     * DISCARD ({@code zero} false) or WRITE_ZEROES: every segment is checked before any is carried
     * out, so a bad one changes nothing. Flags DISCARD does not know are UNSUPP (section 5.2.6.2),
     * as are those of WRITE_ZEROES but unmap.
     */
    private int ranges(Region payload, boolean zero) throws IOException, GunyahException {
        if (payload.length == 0
                || payload.length % SEGMENT_BYTES != 0
                || payload.length / SEGMENT_BYTES > MAX_RANGE_SEGMENTS) {
            return S_IOERR;
        }
        ByteBuffer segments = payload.copy(0, (int) payload.length);
        int count = (int) (payload.length / SEGMENT_BYTES);
        for (int i = 0; i < count; i++) {
            long sector = segments.getLong(i * SEGMENT_BYTES);
            long sectors = Integer.toUnsignedLong(segments.getInt(i * SEGMENT_BYTES + 8));
            int flags = segments.getInt(i * SEGMENT_BYTES + 12);
            if ((flags & ~(zero ? FLAG_UNMAP : 0)) != 0) {
                return S_UNSUPP;
            }
            if (sectors > MAX_RANGE_SECTORS || !onDisk(sector, sectors * Disk.SECTOR)) {
                return S_IOERR;
            }
        }
        if (zero) {
            for (int i = 0; i < count; i++) {
                long position = segments.getLong(i * SEGMENT_BYTES) * Disk.SECTOR;
                long end = position + Integer.toUnsignedLong(segments.getInt(i * SEGMENT_BYTES + 8)) * Disk.SECTOR;
                while (position < end) {
                    ByteBuffer z = ZEROS.duplicate();
                    z.limit((int) Math.min(z.capacity(), end - position));
                    int n = z.remaining();
                    disk.write(z, position);
                    position += n;
                }
            }
        }
        return S_OK;
    }

    /** Stops taking requests and waits for the one in hand. */
    void pause() {
        worker.pause();
    }

    void unpause() {
        worker.unpause();
    }

    @Override
    public void close() {
        synchronized (this) {
            queue = null;
        }
        worker.close();
        disk.close();
    }

    /**
     * A chain's readable or writable bytes as one run, whatever the driver's framing: the slices of
     * guest memory behind a range of it, for transfers straight to and from the file.
     */
    final class Region {
        private final List<DescriptorChain.Buffer> parts;
        private final long start;
        final long length;

        Region(DescriptorChain chain, boolean writable) {
            this(chain.buffers().stream().filter(b -> b.writable() == writable).toList(), 0, -1);
        }

        private Region(List<DescriptorChain.Buffer> parts, long start, long length) {
            this.parts = parts;
            this.start = start;
            long total = 0;
            for (DescriptorChain.Buffer b : parts) {
                total += b.size();
            }
            this.length = length < 0 ? total - start : length;
        }

        /** Bytes [0, n). */
        Region prefix(long n) {
            return new Region(parts, start, n);
        }

        /** Bytes [n, length). */
        Region suffix(long n) {
            return new Region(parts, start + n, length - n);
        }

        /** The guest memory of bytes [0, length), buffer by buffer, little-endian. */
        List<ByteBuffer> buffers() throws GunyahException {
            List<ByteBuffer> list = new ArrayList<>();
            long skip = start;
            long left = length;
            for (DescriptorChain.Buffer b : parts) {
                if (left == 0) {
                    break;
                }
                if (skip >= b.size()) {
                    skip -= b.size();
                    continue;
                }
                long n = Math.min(b.size() - skip, left);
                list.add(ram.slice(b.address() + skip, n).asByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
                left -= n;
                skip = 0;
            }
            return list;
        }

        /** A copy of bytes [at, at + n), read once: the guest may change them meanwhile. */
        ByteBuffer copy(long at, int n) throws GunyahException {
            ByteBuffer out = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            for (ByteBuffer b : suffix(at).prefix(n).buffers()) {
                out.put(b);
            }
            return out.flip();
        }

        void put(long at, byte value) throws GunyahException {
            suffix(at).prefix(1).buffers().getFirst().put(0, value);
        }
    }
}
