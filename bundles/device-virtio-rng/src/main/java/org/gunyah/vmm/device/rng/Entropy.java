package org.gunyah.vmm.device.rng;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.virtio.DescriptorChain;
import org.gunyah.vmm.virtio.DeviceWorker;
import org.gunyah.vmm.virtio.VirtioDevice;
import org.gunyah.vmm.virtio.Virtqueue;

/**
 * The entropy device (virtio 1.2 section 5.4): one request queue whose chains are device-writable
 * buffers, each filled with random bytes and given back. Filling happens on one worker thread of
 * its own, so a notification never blocks the thread that brings it; a pause (the device being
 * replaced) waits for the chain in hand and leaves the rest on the ring for the successor.
 */
final class Entropy implements VirtioDevice, AutoCloseable {
    static final int DEVICE_ID = 4;
    static final int QUEUE_SIZE = 64;
    /** At most this much is given per chain: more than any driver asks, and a bound on one fill. */
    static final int MAX_REQUEST = 64 * 1024;

    private final GuestRam ram;
    private final SecureRandom random = new SecureRandom();
    private final DeviceWorker worker;
    // Guarded by this.
    private Virtqueue queue;

    Entropy(String vmName, GuestRam ram) {
        this.ram = ram;
        this.worker = new DeviceWorker("virtio-rng-" + vmName, Duration.ofSeconds(5));
    }

    @Override
    public int deviceId() {
        return DEVICE_ID;
    }

    @Override
    public long features() {
        return 0;
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
        return 0;
    }

    @Override
    public long readConfig(int offset, int size) {
        return 0;
    }

    @Override
    public void writeConfig(int offset, int size, long value) {}

    @Override
    public synchronized void activate(long features, List<Virtqueue> queues) {
        queue = queues.stream().filter(q -> q.index() == 0).findFirst().orElse(null);
    }

    @Override
    public void notify(int index) {
        worker.submit(this::fill);
    }

    @Override
    public void reset() {
        synchronized (this) {
            queue = null;
        }
        worker.drain();
    }

    /** Gives random bytes to every chain on the ring, until it is empty or the device pauses. */
    private void fill() {
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
            q.complete(next.get(), fill(next.get()));
        }
    }

    /** The bytes written into {@code chain}'s writable buffers. */
    private long fill(DescriptorChain chain) {
        long written = 0;
        for (DescriptorChain.Buffer b : chain.buffers()) {
            if (!b.writable() || written >= MAX_REQUEST) {
                continue;
            }
            int n = (int) Math.min(b.size(), MAX_REQUEST - written);
            byte[] bytes = new byte[n];
            random.nextBytes(bytes);
            try {
                MemorySegment target = ram.slice(b.address(), n);
                MemorySegment.copy(bytes, 0, target, ValueLayout.JAVA_BYTE, 0, n);
            } catch (GunyahException e) {
                return written; // the queue checked it was RAM; RAM does not move, but say only what was written
            }
            written += n;
        }
        return written;
    }

    /** Stops taking chains and waits for the one in hand. */
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
    }
}
