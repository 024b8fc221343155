package org.gunyah.vmm.virtio;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread a virtio device does its work on. A notification hands it work and never blocks;
 * a pause (the device being replaced) lets the work in hand finish and makes the work check
 * {@link #paused} between chains, so the rest stays on the ring for the successor; close ends the
 * thread. Waits are bounded: a transfer stuck past the bound is left behind rather than blocking
 * the VMM.
 */
public final class DeviceWorker implements AutoCloseable {
    private final ExecutorService executor;
    private final Duration bound;
    private volatile boolean paused;

    /** A worker whose thread is named {@code name}; waits for it last at most {@code bound}. */
    public DeviceWorker(String name, Duration bound) {
        this.executor = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name(name).factory());
        this.bound = bound;
    }

    /** Runs {@code work} on the worker, after what it was given before; nothing once closed. */
    public void submit(Runnable work) {
        try {
            executor.execute(work);
        } catch (RejectedExecutionException e) {
            // closed: the device is gone
        }
    }

    /** Whether work should stop taking chains: paused or closed. */
    public boolean paused() {
        return paused;
    }

    /** Stops taking chains and waits for the work in hand. */
    public void pause() {
        paused = true;
        drain();
    }

    public void unpause() {
        paused = false;
    }

    /** Waits until the worker has finished what it was given before now. */
    public void drain() {
        if (executor.isShutdown()) {
            return;
        }
        try {
            executor.submit(() -> {}).get(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
            // closed meanwhile, or work stuck past the bound: nothing more to wait for
        }
    }

    /** Ends the thread after the work in hand (waiting at most the bound). Idempotent. */
    @Override
    public void close() {
        paused = true;
        executor.shutdown();
        try {
            executor.awaitTermination(bound.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
