package org.gunyah.vmm.virtio;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * What an {@link MmioTransport} hands to its successor: the registers the driver set and, per
 * queue, where the rings' indexes stand. Part of a device's {@link org.gunyah.vmm.device.DeviceState};
 * its bytes ({@link #encode}) are little-endian and start with their format's version, so a newer
 * transport reads what an older one wrote.
 */
public record TransportState(
        int status,
        long driverFeatures,
        int deviceFeaturesSel,
        int driverFeaturesSel,
        int queueSel,
        int interruptStatus,
        int configGeneration,
        List<QueueState> queues) {

    /** The version of the format {@link #encode} writes. */
    public static final int VERSION = 1;

    private static final int HEADER_BYTES = 4 + 4 + 8 + 4 * 5 + 4;
    private static final int QUEUE_BYTES = 4 + 4 + 8 * 3 + 2 + 2;

    /** One queue: its registers, and the next available entry to take and used entry to write. */
    public record QueueState(
            int size, boolean ready, long descriptors, long driver, long device, int lastAvail, int usedIdx) {
        public QueueState {
            lastAvail &= 0xffff;
            usedIdx &= 0xffff;
        }
    }

    public TransportState {
        queues = List.copyOf(queues);
    }

    /** Format version 1: the fields in declaration order, u32 each but the features and addresses (u64) and the two indexes (u16). */
    public byte[] encode() {
        ByteBuffer b =
                ByteBuffer.allocate(HEADER_BYTES + QUEUE_BYTES * queues.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(VERSION)
                .putInt(status)
                .putLong(driverFeatures)
                .putInt(deviceFeaturesSel)
                .putInt(driverFeaturesSel)
                .putInt(queueSel)
                .putInt(interruptStatus)
                .putInt(configGeneration)
                .putInt(queues.size());
        for (QueueState q : queues) {
            b.putInt(q.size())
                    .putInt(q.ready() ? 1 : 0)
                    .putLong(q.descriptors())
                    .putLong(q.driver())
                    .putLong(q.device())
                    .putShort((short) q.lastAvail())
                    .putShort((short) q.usedIdx());
        }
        return b.array();
    }

    /** Reads what {@link #encode} wrote, of any version known here: EINVAL for anything else. */
    public static TransportState decode(byte[] bytes) throws GunyahException {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int version = b.getInt();
            if (version != VERSION) {
                throw GunyahException.of(
                        Errno.EINVAL, "virtio-mmio transport state version %d, this reads %d", version, VERSION);
            }
            return decodeV1(b);
        } catch (BufferUnderflowException e) {
            throw GunyahException.of(
                    Errno.EINVAL, "virtio-mmio transport state of %d bytes is cut short", bytes.length);
        }
    }

    private static TransportState decodeV1(ByteBuffer b) throws GunyahException {
        int status = b.getInt();
        long features = b.getLong();
        int deviceSel = b.getInt();
        int driverSel = b.getInt();
        int queueSel = b.getInt();
        int interrupts = b.getInt();
        int generation = b.getInt();
        int count = b.getInt();
        if (count < 0 || (long) count * QUEUE_BYTES != b.remaining()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "virtio-mmio transport state: %d queues in %d bytes",
                    Integer.toUnsignedLong(count),
                    b.remaining());
        }
        List<QueueState> queues = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int size = b.getInt();
            int ready = b.getInt();
            if (ready != 0 && ready != 1) {
                throw GunyahException.of(Errno.EINVAL, "virtio-mmio transport state: queue %d ready is %d", i, ready);
            }
            queues.add(new QueueState(
                    size, ready == 1, b.getLong(), b.getLong(), b.getLong(), b.getShort(), b.getShort()));
        }
        return new TransportState(status, features, deviceSel, driverSel, queueSel, interrupts, generation, queues);
    }
}
