package org.gunyah.vmm.managed.internal;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuArg;

/**
 * A VM's vCPUs and the platform thread that runs each ({@link VcpuLoop}). Its own monitor guards
 * the two maps only for moments, so that a vCPU thread reporting its end never waits behind a
 * start or a function change of its VM.
 */
final class VcpuThreads implements VcpuLoop.Owner {
    private final String vmName;
    private final ExitRouter router;
    /** False once the VM's vCPUs must stop: an exit written, or the VM closing. */
    private final BooleanSupplier mayRun;

    private final VmCounters counters;
    private final Changes changes;
    private final Map<Integer, Vcpu> vcpus = new HashMap<>();
    private final Map<VcpuLoop, Thread> loops = new HashMap<>();

    VcpuThreads(String vmName, ExitRouter router, BooleanSupplier mayRun, VmCounters counters, Changes changes) {
        this.vmName = vmName;
        this.router = router;
        this.mayRun = mayRun;
        this.counters = counters;
        this.changes = changes;
    }

    /** A vcpu function's instance; it runs at once when {@code run} says the VM runs. */
    synchronized void add(Vcpu vcpu, boolean run) {
        vcpus.put(vcpu.id(), vcpu);
        if (run) {
            start(vcpu);
        }
    }

    /** Forgets the vCPUs whose function is not in {@code functions}; their threads see ENODEV and end on their own. */
    synchronized void forgetRemoved(List<FunctionDesc> functions) {
        vcpus.values().removeIf(v -> functions.stream().noneMatch(f -> isVcpu(f, v.id())));
    }

    private static boolean isVcpu(FunctionDesc f, int id) {
        try {
            return f.type() == FunctionType.VCPU && VcpuArg.decode(f.arg()).id() == id;
        } catch (GunyahException e) {
            return false;
        }
    }

    synchronized boolean none() {
        return vcpus.isEmpty();
    }

    /** Starts a thread for every vCPU: at the VM's start. */
    synchronized void startAll() {
        vcpus.values().forEach(this::start);
    }

    private void start(Vcpu vcpu) {
        VcpuLoop loop = new VcpuLoop(vcpu, router, this);
        Thread t = Thread.ofPlatform()
                .daemon()
                .name("vcpu-" + vmName + "-" + vcpu.id())
                .unstarted(loop);
        loops.put(loop, t);
        t.start();
    }

    /** Makes every running vCPU return from the guest, to see that it must stop. */
    synchronized void kickAll() {
        loops.keySet().forEach(l -> l.vcpu().kick());
    }

    /** Where each vCPU's guest is, for a report: "vCPU 0 at pc 0x... (instruction 0x...)", by id. */
    synchronized String positions() {
        return vcpus.values().stream()
                .sorted(Comparator.comparingInt(Vcpu::id))
                .map(v -> "vCPU " + v.id() + v.position().map(p -> " at " + p).orElse(" (position unknown)"))
                .collect(Collectors.joining(", "));
    }

    synchronized int running() {
        return loops.size();
    }

    /** Waits until at most {@code count} threads run. */
    boolean awaitRunning(int count, Duration timeout) throws InterruptedException {
        return changes.await(() -> running() <= count, timeout);
    }

    /** Kicks every thread and waits, bounded, for all to return; false when one did not. */
    boolean stop(Duration timeout) {
        List<Thread> threads;
        synchronized (this) {
            kickAll();
            threads = List.copyOf(loops.values());
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : threads) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean stopping() {
        return !mayRun.getAsBoolean();
    }

    @Override
    public void exited(VcpuLoop loop, String error) {
        synchronized (this) {
            loops.remove(loop);
        }
        if (error != null) {
            counters.error(error);
        }
        changes.signal();
    }
}
