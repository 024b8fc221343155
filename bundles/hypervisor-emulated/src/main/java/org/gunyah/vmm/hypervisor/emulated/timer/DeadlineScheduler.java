package org.gunyah.vmm.hypervisor.emulated.timer;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The deadlines of one VM's timers: one thread, started when a timer is first armed (an idle VM
 * costs no thread), that runs each timer's check at its deadline, so that a line rises on time
 * while no instruction runs. {@link #close} at the VM's release stops the thread and waits for it,
 * bounded; nothing is scheduled after that.
 */
public final class DeadlineScheduler implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

    private final String threadName;
    private final boolean inert;
    // Guarded by this.
    private ScheduledThreadPoolExecutor executor;
    private Thread thread;
    private boolean closed;

    /** A VM's scheduler, whose thread (once started) is named {@code threadName}. */
    public DeadlineScheduler(String threadName) {
        this(threadName, false);
    }

    private DeadlineScheduler(String threadName, boolean inert) {
        this.threadName = threadName;
        this.inert = inert;
    }

    /**
     * A scheduler that never runs anything: for a vCPU whose lines go nowhere (a lone interpreter),
     * where a deadline only shows in ISTATUS when the guest reads it.
     */
    public static DeadlineScheduler inert() {
        return new DeadlineScheduler("", true);
    }

    /** Runs {@code task} in {@code delayNanos}; null when it never will (closed, inert, or never due). */
    synchronized Future<?> schedule(Runnable task, long delayNanos) {
        if (closed || inert || delayNanos == Long.MAX_VALUE) {
            return null;
        }
        if (executor == null) {
            // The factory runs here, under this monitor: the pool starts its thread on this first schedule.
            executor = new ScheduledThreadPoolExecutor(1, worker -> {
                thread = Thread.ofPlatform().name(threadName).daemon().unstarted(worker);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true); // re-arming cancels often: no dead entries in the queue
        }
        return executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Whether the thread exists (it is started by the first deadline and ends at close). */
    public synchronized boolean started() {
        return executor != null;
    }

    /** Cancels every deadline and waits, bounded, for the thread to end. Idempotent. */
    @Override
    public void close() {
        ScheduledThreadPoolExecutor going;
        Thread itsThread;
        synchronized (this) {
            closed = true;
            going = executor;
            itsThread = thread;
            executor = null;
        }
        if (going == null) {
            return;
        }
        going.shutdownNow();
        if (itsThread != null && itsThread != Thread.currentThread()) {
            try {
                itsThread.join(CLOSE_WAIT); // the thread itself, not only the pool's state: nothing is left
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
