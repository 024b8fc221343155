package org.gunyah.vmm.internal.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.internal.registry.FunctionRegistry;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;

/**
 * {@code request_module("ghfunc:N")}: finds the installed bundle whose {@code gunyah.function}
 * capability has type N (highest version first), starts it and waits, bounded, for its
 * {@code VmFunction}. Concurrent first requests for one type start the bundle once. Every failure
 * is ENOENT with the reason, never a silent hang (the kernel could leak modprobe's exit status).
 */
final class FunctionLoader {
    private static final Logger LOG = System.getLogger(FunctionLoader.class.getName());

    private final FunctionBundleIndex index;
    private final FunctionRepository repository;
    private final FunctionRegistry registry;
    private final Duration timeout;
    private final ConcurrentHashMap<Integer, ReentrantLock> loading = new ConcurrentHashMap<>();

    FunctionLoader(
            FunctionBundleIndex index, FunctionRepository repository, FunctionRegistry registry, Duration timeout) {
        this.index = index;
        this.repository = repository;
        this.registry = registry;
        this.timeout = timeout;
    }

    Optional<FunctionProvider> resolve(int type) throws GunyahException {
        Optional<FunctionProvider> bound = registry.lookup(type);
        if (bound.isPresent()) {
            return bound;
        }
        ReentrantLock lock = loading.computeIfAbsent(type, t -> new ReentrantLock());
        lock.lock();
        try {
            bound = registry.lookup(type);
            return bound.isPresent() ? bound : Optional.of(load(type));
        } finally {
            lock.unlock();
        }
    }

    private FunctionProvider load(int type) throws GunyahException {
        String typeName = Integer.toUnsignedString(type);
        Optional<Bundle> found = provider(type);
        if (found.isEmpty() && repository.watched()) {
            // A jar just dropped into the folder (or the boot scan still running) may declare it.
            try {
                if (repository.awaitWatcher(System.nanoTime() + timeout.toNanos())) {
                    found = provider(type);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw GunyahException.of(Errno.EINTR, "interrupted while loading function type %s", typeName);
            }
        }
        Bundle bundle = found.orElseThrow(
                () -> GunyahException.of(Errno.ENOENT, "no bundle provides gunyah.function type %s", typeName));
        LOG.log(
                Level.INFO,
                "loading function type {0} from {1} {2}",
                typeName,
                bundle.getSymbolicName(),
                bundle.getVersion());
        try {
            bundle.start(Bundle.START_ACTIVATION_POLICY);
        } catch (BundleException | IllegalStateException e) {
            throw new GunyahException(
                    Errno.ENOENT,
                    "bundle " + bundle.getSymbolicName() + " " + bundle.getVersion() + " provides gunyah.function type "
                            + typeName + " but did not start: " + e.getMessage(),
                    e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            return registry.awaitProvider(type, deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
                    .orElseThrow(() -> GunyahException.of(
                            Errno.ENOENT,
                            "bundle %s started but registered no VmFunction of type %s within %s",
                            bundle.getSymbolicName(),
                            typeName,
                            timeout));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw GunyahException.of(Errno.EINTR, "interrupted while loading function type %s", typeName);
        }
    }

    private Optional<Bundle> provider(int type) {
        return index.provider(type).map(FunctionBundleIndex.FunctionBundle::bundle);
    }
}
