package org.gunyah.vmm.soak;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmDeclaration;
import org.osgi.framework.BundleContext;

/**
 * Runs a soak: launches the VMs, replaces the function bundles in turn (vcpu, irqfd, ioeventfd;
 * each time the next way of {@link FunctionCycler.Kind}) and after each replacement waits until
 * every VM has its functions back; then stops the guests, adds up what they and the VMM counted,
 * closes the VMs and looks for leaks. It replaces the bundles of the runtime it runs in: run it on
 * a runtime of its own, never beside VMs that matter.
 */
public final class SoakDriver {
    private static final Duration RESTORE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration THREAD_TIMEOUT = Duration.ofSeconds(10);
    private static final long REPORT_EVERY = TimeUnit.SECONDS.toNanos(10);

    private final BundleContext context;
    private final VmManager manager;
    private final FunctionAdmin admin;
    private final ManagedVms vms;
    private final Path dir;

    /** {@code dir} holds the guest image and the kept copies of the function bundles. */
    public SoakDriver(BundleContext context, VmManager manager, FunctionAdmin admin, ManagedVms vms, Path dir) {
        this.context = context;
        this.manager = manager;
        this.admin = admin;
        this.vms = vms;
        this.dir = dir;
    }

    /** Runs {@code plan}, telling {@code progress} how it goes every ten seconds. */
    public SoakResult run(SoakPlan plan, Consumer<String> progress) throws GunyahException, InterruptedException {
        // A backend may start a thread with its first eventfd (KVM's eventfd poller) and keep it
        // while it is registered: that one is the backend's, not a leak of the soak's.
        manager.createEventFd(0, 0).close();
        Leaks leaks = new Leaks();
        ProvidedEvents provided = new ProvidedEvents();
        List<String> problems = new ArrayList<>();
        List<ManagedVm> running = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        long start = System.nanoTime();
        long cycles = 0;
        Tally tally;
        try (VmManager.Subscription subscription = manager.onFunctionProvided(provided)) {
            launch(plan, running, ids);
            String backend = running.getFirst().vm().hypervisor();
            progress.accept(String.format(
                    "soak: %d VMs x %d vCPUs running on %s; replacing function bundles",
                    plan.vms(), SoakGuest.VCPUS, backend));
            FunctionCycler cycler = new FunctionCycler(context, admin, provided, dir);
            long deadline = plan.duration().isZero()
                    ? Long.MAX_VALUE
                    : start + plan.duration().toNanos();
            long nextReport = start + REPORT_EVERY;
            Timing timing = new Timing();
            while ((plan.cycles() == 0 || cycles < plan.cycles()) && System.nanoTime() - deadline < 0) {
                int type = FunctionCycler.TYPES.get((int) (cycles % FunctionCycler.TYPES.size()));
                FunctionCycler.Kind kind = FunctionCycler.Kind.values()[
                        (int) (cycles / FunctionCycler.TYPES.size() % FunctionCycler.Kind.values().length)];
                cycle(cycler, type, kind, running, problems, timing);
                cycles++;
                if (System.nanoTime() - nextReport > 0) {
                    nextReport += REPORT_EVERY;
                    progress.accept(String.format(
                            "soak: %d s, %d cycles, %d problems; a replacement took %s",
                            seconds(start), cycles, problems.size(), timing.summary()));
                }
            }
            tally = stop(backend, running, problems);
        } finally {
            running.forEach(ManagedVm::close);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<String> leakedResources = Leaks.resources(context, admin, ids);
        List<String> leakedThreads = leaks.threads(THREAD_TIMEOUT);
        List<String> all = new ArrayList<>(problems);
        leakedResources.forEach(r -> all.add("leak: " + r));
        leakedThreads.forEach(t -> all.add("leaked thread: " + t));
        return new SoakResult(
                tally.backend,
                cycles,
                plan.vms(),
                tally.writes,
                tally.signals,
                tally.lost,
                tally.sent,
                tally.taken,
                leakedResources.size(),
                leakedThreads.size(),
                problems.size(),
                seconds,
                all);
    }

    private void launch(SoakPlan plan, List<ManagedVm> running, Set<Integer> ids) throws GunyahException {
        List<String> backends = manager.hypervisors();
        String backend = plan.hypervisor().isEmpty() && !backends.isEmpty() ? backends.getFirst() : plan.hypervisor();
        try {
            SoakGuest.install(dir);
        } catch (IOException e) {
            throw GunyahException.of(Errno.EIO, "cannot write the soak guest into %s: %s", dir, e.getMessage());
        }
        for (int i = 0; i < plan.vms(); i++) {
            ManagedVm vm =
                    vms.launch(VmDeclaration.parse(SoakGuest.declaration("soak-" + i, backend), dir), line -> {});
            running.add(vm);
            ids.add(vm.vm().id());
        }
    }

    private static void cycle(
            FunctionCycler cycler,
            int type,
            FunctionCycler.Kind kind,
            List<ManagedVm> running,
            List<String> problems,
            Timing timing)
            throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            cycler.cycle(type, kind);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            problems.add(kind + " of " + FunctionType.describe(type) + ": " + e);
            cycler.recover(type);
        }
        long t1 = System.nanoTime();
        for (ManagedVm vm : running) {
            if (!vm.awaitFunctions(RESTORE_TIMEOUT)) {
                problems.add(vm.name() + " did not get " + vm.missingFunctions() + " back within " + RESTORE_TIMEOUT
                        + " after " + kind + " of " + FunctionType.describe(type));
            }
        }
        timing.add(t1 - t0, System.nanoTime() - t1);
    }

    /** Where a replacement's time goes: until the type is provided again, then until every VM has its functions back. */
    private static final class Timing {
        private long replace;
        private long restore;
        private long count;

        void add(long replaceNanos, long restoreNanos) {
            replace += replaceNanos;
            restore += restoreNanos;
            count++;
        }

        String summary() {
            return count == 0
                    ? "-"
                    : String.format(
                            "%d ms to be provided again + %d ms for the VMs to have their functions back (means)",
                            replace / count / 1_000_000, restore / count / 1_000_000);
        }
    }

    /** What the guests and the VMM counted, added up over the VMs. */
    private record Tally(String backend, long writes, long signals, long lost, long sent, long taken) {}

    /** Lets every guest finish its round and exit, then adds up; a guest that cannot finish lost something. */
    private static Tally stop(String backend, List<ManagedVm> running, List<String> problems)
            throws GunyahException, InterruptedException {
        for (ManagedVm vm : running) {
            SoakGuest.stop(vm);
        }
        long writes = 0;
        long signals = 0;
        long lost = 0;
        long sent = 0;
        long taken = 0;
        for (ManagedVm vm : running) {
            boolean down = vm.awaitDown(STOP_TIMEOUT);
            SoakGuest.Counts counts = SoakGuest.counts(vm);
            ManagedVm.Stats stats = vm.stats();
            long seen = stats.doorbellSignals() + stats.doorbellExits();
            if (!down) {
                problems.add(vm.name() + " did not finish within " + STOP_TIMEOUT + ": " + counts.waiting()
                        + " vCPUs still wait for an answer (status " + vm.status() + ")");
            } else if (!vm.status().equals("EXITED(0)")) {
                problems.add(vm.name() + " ended " + vm.status());
            }
            if (seen > counts.totalWrites()) {
                problems.add(vm.name() + ": the VMM saw " + seen + " rings of " + counts.totalWrites() + " made");
            }
            if (counts.totalTaken() > stats.interruptsSent()) {
                problems.add(vm.name() + ": the guest took " + counts.totalTaken() + " interrupts of "
                        + stats.interruptsSent() + " sent");
            }
            stats.errors().forEach(e -> problems.add(vm.name() + ": " + e));
            writes += counts.totalWrites();
            signals += seen;
            lost += Math.max(0, counts.totalWrites() - seen)
                    + Math.max(0, stats.interruptsSent() - counts.totalTaken());
            sent += stats.interruptsSent();
            taken += counts.totalTaken();
        }
        return new Tally(backend, writes, signals, lost, sent, taken);
    }

    private static long seconds(long start) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    }
}
