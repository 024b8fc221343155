package org.gunyah.vmm.device.blk;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.device.InterruptLine;
import org.gunyah.vmm.virtio.testing.FakeRam;

/**
 * What the VMM would give a device: the RAM, an interrupt line whose changes wake {@link
 * #awaitChange}, and doorbells that {@link #ring} calls as an ioeventfd would.
 */
final class FakeContext implements DeviceContext {
    final FakeRam ram;
    final Map<Long, Runnable> doorbells = new ConcurrentHashMap<>();
    private final Object changes = new Object();
    private long changeCount;

    FakeContext(FakeRam ram) {
        this.ram = ram;
    }

    @Override
    public String vmName() {
        return "test";
    }

    @Override
    public GuestRam ram() {
        return ram;
    }

    @Override
    public InterruptLine interrupt(BooleanSupplier line) {
        return () -> {
            synchronized (changes) {
                changeCount++;
                changes.notifyAll();
            }
        };
    }

    @Override
    public Registration doorbell(long offset, int size, OptionalLong datamatch, Runnable ring) throws GunyahException {
        long key = offset << 8 | datamatch.orElse(0xff);
        if (doorbells.putIfAbsent(key, ring) != null) {
            throw GunyahException.of(Errno.EEXIST, "doorbell at 0x%x taken", offset);
        }
        return () -> doorbells.remove(key, ring);
    }

    /** The guest's kick of queue 0, through the ioeventfd the device asked for. */
    void ring(long offset, int queue) {
        Runnable r = doorbells.get(offset << 8 | queue);
        if (r == null) {
            throw new AssertionError("no doorbell at 0x" + Long.toHexString(offset) + " for queue " + queue);
        }
        r.run();
    }

    long changes() {
        synchronized (changes) {
            return changeCount;
        }
    }

    /** Waits (bounded) until the line changed more than {@code seen} times; false on timeout. */
    boolean awaitChange(long seen, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        synchronized (changes) {
            while (changeCount <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changes.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
