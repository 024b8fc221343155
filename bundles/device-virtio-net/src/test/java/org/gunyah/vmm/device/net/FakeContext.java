package org.gunyah.vmm.device.net;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.device.InterruptLine;

/**
 * What the VMM gives a device, in memory: doorbells a test rings by their value, and an interrupt
 * line a test waits on for the device's next completion.
 */
final class FakeContext implements DeviceContext, InterruptLine {
    private final String vmName;
    private final GuestRam ram;
    private final Map<Long, Runnable> doorbells = new ConcurrentHashMap<>();

    FakeContext(String vmName, GuestRam ram) {
        this.vmName = vmName;
        this.ram = ram;
    }

    @Override
    public String vmName() {
        return vmName;
    }

    @Override
    public GuestRam ram() {
        return ram;
    }

    @Override
    public InterruptLine interrupt(BooleanSupplier line) {
        return this;
    }

    @Override
    public Registration doorbell(long offset, int size, OptionalLong datamatch, Runnable ring) throws GunyahException {
        long value = datamatch.orElseThrow();
        if (doorbells.putIfAbsent(value, ring) != null) {
            throw GunyahException.of(Errno.EEXIST, "doorbell %d taken", value);
        }
        return () -> doorbells.remove(value, ring);
    }

    /** The guest's write of {@code value} at QueueNotify, as the ioeventfd brings it. */
    void ring(long value) {
        Runnable r = doorbells.get(value);
        if (r != null) {
            r.run();
        }
    }

    int doorbellCount() {
        return doorbells.size();
    }

    @Override
    public synchronized void changed() {
        notifyAll();
    }

    /** Waits until {@code condition} holds, rechecking at each interrupt: whether it held within the bound. */
    synchronized boolean await(BooleanSupplier condition, Duration bound) throws InterruptedException {
        long end = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
