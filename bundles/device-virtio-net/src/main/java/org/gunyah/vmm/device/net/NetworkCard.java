package org.gunyah.vmm.device.net;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.virtio.DescriptorChain;
import org.gunyah.vmm.virtio.DeviceWorker;
import org.gunyah.vmm.virtio.VirtioDevice;
import org.gunyah.vmm.virtio.Virtqueue;

/**
 * The network device (virtio 1.2 section 5.1) as simple as Linux takes it: its MAC and link status
 * in the configuration space, an MTU of 1500, no offloads, no control queue, one receive and one
 * transmit queue. Every buffer starts with a 12-byte virtio_net_hdr: ignored on transmit (no
 * offload was offered, so the driver asks for none), zero with num_buffers 1 on receive.
 *
 * <p>Both directions run on one worker thread of its own: a transmit kick takes every chain on
 * the transmit queue and hands its frame to the switch; frames the switch delivers wait in a
 * bounded backlog until the driver has receive buffers for them. A pause (the device being
 * replaced) waits for the chain in hand and leaves the rest on the rings for the successor.
 */
final class NetworkCard implements VirtioDevice, FrameSink, AutoCloseable {
    static final int DEVICE_ID = 1;
    static final int QUEUE_SIZE = 256;
    static final int RX = 0;
    static final int TX = 1;
    static final long F_MTU = 1L << 3;
    static final long F_MAC = 1L << 5;
    static final long F_STATUS = 1L << 16;
    static final long FEATURES = F_MTU | F_MAC | F_STATUS;
    /** struct virtio_net_hdr with VIRTIO_F_VERSION_1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
    static final int HEADER = 12;

    static final int MTU = 1500;
    static final int LINK_UP = 1;
    /** Frames from the switch waiting for receive buffers; more are dropped, as a full NIC ring drops. */
    static final int BACKLOG = 256;
    /** The largest frame taken from the guest: without GSO a driver sends at most its MTU and a header. */
    static final int MAX_FRAME = 65535;
    /** mac[6], status, max_virtqueue_pairs, mtu (u16 each). */
    static final int CONFIG_SIZE = 12;

    private final GuestRam ram;
    private final byte[] config = new byte[CONFIG_SIZE];
    private final DeviceWorker worker;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong rxDropped = new AtomicLong();
    private final AtomicLong txDropped = new AtomicLong();
    private volatile VirtualSwitch.Port port;
    // Guarded by this.
    private Virtqueue rx;
    private Virtqueue tx;
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();

    NetworkCard(String vmName, GuestRam ram) {
        this.ram = ram;
        this.worker = new DeviceWorker("virtio-net-" + vmName, Duration.ofSeconds(5));
        config[6] = LINK_UP;
        config[8] = 1; // max_virtqueue_pairs: read only with MQ, one pair in any case
        config[10] = (byte) MTU;
        config[11] = (byte) (MTU >>> 8);
    }

    /** Plugs the card into its switch's port, before the driver can reach it. */
    void attach(VirtualSwitch.Port port) {
        this.port = port;
        System.arraycopy(port.mac().bytes(), 0, config, 0, 6);
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return FEATURES;
    }

    @Override
    public int queueCount() {
        return 2;
    }

    @Override
    public int queueMaxSize(int index) {
        return QUEUE_SIZE;
    }

    @Override
    public int configSize() {
        return CONFIG_SIZE;
    }

    @Override
    public long readConfig(int offset, int size) {
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = v << 8 | config[offset + i] & 0xff;
        }
        return v;
    }

    /** The driver writes nothing here: the MAC is read-only without the legacy interface. */
    @Override
    public void writeConfig(int offset, int size, long value) {}

    @Override
    public synchronized void activate(long features, List<Virtqueue> queues) {
        rx = queue(queues, RX);
        tx = queue(queues, TX);
    }

    private static Virtqueue queue(List<Virtqueue> queues, int index) {
        return queues.stream().filter(q -> q.index() == index).findFirst().orElse(null);
    }

    @Override
    public void notify(int index) {
        schedule(index == TX ? this::transmit : this::deliver);
    }

    @Override
    public void reset() {
        synchronized (this) {
            rx = null;
            tx = null;
            backlog.clear();
        }
        worker.drain();
    }

    /** A frame from the switch: kept for the driver's next receive buffer, or dropped. */
    @Override
    public void receive(byte[] frame) {
        synchronized (this) {
            // No driver yet (or a reset one) takes nothing: a card without a driver drops its frames.
            if (rx == null || backlog.size() >= BACKLOG) {
                rxDropped.incrementAndGet();
                return;
            }
            backlog.add(frame);
        }
        schedule(this::deliver);
    }

    private void schedule(Runnable work) {
        worker.submit(work);
    }

    /** Moves waiting frames into receive buffers until either runs out or the card pauses. */
    private void deliver() {
        while (true) {
            Virtqueue q;
            synchronized (this) {
                if (worker.paused() || rx == null || backlog.isEmpty()) {
                    return;
                }
                q = rx;
            }
            Optional<DescriptorChain> next = q.next();
            if (next.isEmpty()) {
                return; // the driver's kick on the receive queue brings us back
            }
            byte[] frame;
            synchronized (this) {
                frame = backlog.poll();
            }
            q.complete(next.get(), frame == null ? 0 : write(next.get(), frame));
        }
    }

    /** Writes the header and {@code frame} into the chain: the bytes written, 0 for a chain too small (the frame dropped). */
    private long write(DescriptorChain chain, byte[] frame) {
        int length = HEADER + frame.length;
        if (chain.writableLength() < length) {
            rxDropped.incrementAndGet();
            return 0;
        }
        byte[] packet = new byte[length];
        packet[10] = 1; // num_buffers, little-endian u16: the whole frame is in this chain
        System.arraycopy(frame, 0, packet, HEADER, frame.length);
        int done = 0;
        for (DescriptorChain.Buffer b : chain.buffers()) {
            if (!b.writable() || done == length) {
                continue;
            }
            int n = (int) Math.min(b.size(), length - done);
            try {
                MemorySegment.copy(packet, done, ram.slice(b.address(), n), ValueLayout.JAVA_BYTE, 0, n);
            } catch (GunyahException e) {
                rxDropped.incrementAndGet(); // the queue checked it was RAM, and RAM does not move
                return done;
            }
            done += n;
        }
        received.incrementAndGet();
        return length;
    }

    /** Sends the frame of every chain on the transmit queue, until it is empty or the card pauses. */
    private void transmit() {
        while (true) {
            Virtqueue q;
            synchronized (this) {
                if (worker.paused() || tx == null) {
                    return;
                }
                q = tx;
            }
            Optional<DescriptorChain> next = q.next();
            if (next.isEmpty()) {
                return;
            }
            Optional<byte[]> frame = gather(next.get());
            q.complete(next.get(), 0);
            if (frame.isPresent()) {
                sent.incrementAndGet();
                port.send(frame.get());
            } else {
                txDropped.incrementAndGet();
            }
        }
    }

    /** The frame after the header in the chain's readable buffers; empty when it is no Ethernet frame. */
    private Optional<byte[]> gather(DescriptorChain chain) {
        long length = chain.readableLength() - HEADER;
        if (length < VirtualSwitch.MIN_FRAME || length > MAX_FRAME) {
            return Optional.empty();
        }
        byte[] frame = new byte[(int) length];
        long skip = HEADER;
        int done = 0;
        for (DescriptorChain.Buffer b : chain.buffers()) {
            if (b.writable()) {
                break;
            }
            long from = Math.min(skip, b.size());
            skip -= from;
            int n = (int) (b.size() - from);
            if (n == 0) {
                continue;
            }
            try {
                MemorySegment.copy(ram.slice(b.address() + from, n), ValueLayout.JAVA_BYTE, 0, frame, done, n);
            } catch (GunyahException e) {
                return Optional.empty();
            }
            done += n;
        }
        return Optional.of(frame);
    }

    /** Stops taking chains and waits for the one in hand; frames from the switch still wait in the backlog. */
    void pause() {
        worker.pause();
    }

    /** Takes chains again, and whatever the driver or the switch brought meanwhile. */
    void unpause() {
        worker.unpause();
        schedule(this::transmit);
        schedule(this::deliver);
    }

    /** Frames put in the guest's receive buffers. */
    long received() {
        return received.get();
    }

    /** Frames the guest sent to the switch. */
    long sent() {
        return sent.get();
    }

    /** Frames for the guest that were dropped: no driver, a full backlog, a buffer too small. */
    long rxDropped() {
        return rxDropped.get();
    }

    /** Chains from the guest that held no frame to send. */
    long txDropped() {
        return txDropped.get();
    }

    @Override
    public void close() {
        synchronized (this) {
            rx = null;
            tx = null;
            backlog.clear();
        }
        worker.close();
    }
}
