package org.gunyah.vmm.testing;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;

/** One {@code run()} on its own platform thread, so a test can see it block and come back. */
public final class RunnerThread {
    private final CompletableFuture<VcpuExit> result = new CompletableFuture<>();
    private final Thread thread;

    private RunnerThread(Vcpu vcpu) {
        thread = Thread.ofPlatform().name("vcpu-" + vcpu.id()).unstarted(() -> {
            try {
                result.complete(vcpu.run());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
    }

    public static RunnerThread start(Vcpu vcpu) {
        RunnerThread r = new RunnerThread(vcpu);
        r.thread.start();
        return r;
    }

    /** Waits (bounded) until the runner is parked, i.e. asleep waiting for its wakeup. */
    public void awaitAsleep() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (thread.getState() != Thread.State.TIMED_WAITING && thread.getState() != Thread.State.WAITING) {
            if (System.nanoTime() > deadline || result.isDone()) {
                throw new AssertionError("the runner never went to sleep: " + thread.getState() + ", " + result);
            }
            Thread.onSpinWait();
        }
    }

    public VcpuExit result(long seconds) throws Exception {
        return result.get(seconds, TimeUnit.SECONDS);
    }

    public boolean isDone() {
        return result.isDone();
    }
}
