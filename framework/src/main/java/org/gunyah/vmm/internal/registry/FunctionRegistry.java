package org.gunyah.vmm.internal.registry;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * The function registry keyed by type (the kernel's {@code gh_vm_functions} xarray). One provider
 * per type: a second provider is refused, logged and kept as a candidate, where the kernel
 * silently replaced the first. When the bound provider leaves, every instance is unbound first,
 * then the oldest candidate, if any, takes the type. The entries live under one lock, whose
 * condition {@code providerBound} wakes {@link #awaitProvider} whenever a type may have gained a
 * usable provider.
 */
public final class FunctionRegistry {
    private static final Logger LOG = System.getLogger(FunctionRegistry.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a provider is bound to a type or stops leaving: what awaitProvider waits for. */
    private final Condition providerBound = lock.newCondition();

    private final Map<Integer, Entry> entries = new TreeMap<>();
    private final List<ProviderListener> listeners = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> providedListeners = new CopyOnWriteArrayList<>();
    /** Providers whose instances are being unbound: no new instance may pin them. Under the lock. */
    private final Set<FunctionProvider> leaving = new HashSet<>();

    /** The bound provider of a type and the refused candidates, oldest first. */
    public record Entry(FunctionProvider bound, List<FunctionProvider> refused) {}

    public void addListener(ProviderListener listener) {
        listeners.add(listener);
    }

    /**
     * Tells {@code listener} the type number each time a provider becomes bound to a type: a new
     * one, or a refused candidate taking over. Called in that provider's thread, after the binding.
     */
    public void addProvidedListener(IntConsumer listener) {
        providedListeners.add(listener);
    }

    public void removeProvidedListener(IntConsumer listener) {
        providedListeners.remove(listener);
    }

    private void provided(int type) {
        for (IntConsumer l : providedListeners) {
            try {
                l.accept(type);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "a listener failed on function type " + Integer.toUnsignedString(type), e);
            }
        }
    }

    /** Offers a provider; true when it is bound to its type, false when the type was taken. */
    public boolean add(FunctionProvider provider) {
        boolean bound;
        lock.lock();
        try {
            Entry e = entries.get(provider.type());
            bound = e == null;
            if (bound) {
                entries.put(provider.type(), new Entry(provider, List.of()));
                providerBound.signalAll();
            } else {
                List<FunctionProvider> refused = new ArrayList<>(e.refused());
                refused.add(provider);
                entries.put(provider.type(), new Entry(e.bound(), List.copyOf(refused)));
            }
        } finally {
            lock.unlock();
        }
        if (bound) {
            provided(provider.type());
            return true;
        }
        LOG.log(
                Level.WARNING,
                "refused {0} as provider of function type {1}: already provided by {2}",
                provider.info(),
                Integer.toUnsignedString(provider.type()),
                lookup(provider.type()).map(FunctionProvider::info).orElse(null));
        return false;
    }

    /**
     * Withdraws a provider. If it was bound, listeners unbind its instances before it is
     * forgotten (the service is still usable while they do), then a candidate takes over.
     */
    public void remove(FunctionProvider provider) {
        boolean bound;
        lock.lock();
        try {
            Entry e = entries.get(provider.type());
            if (e == null) {
                return;
            }
            bound = e.bound() == provider;
            if (!bound) {
                List<FunctionProvider> refused = new ArrayList<>(e.refused());
                refused.remove(provider);
                entries.put(provider.type(), new Entry(e.bound(), List.copyOf(refused)));
                return;
            }
            leaving.add(provider);
        } finally {
            lock.unlock();
        }
        try {
            for (ProviderListener l : listeners) {
                l.providerLeaving(provider);
            }
        } finally {
            boolean replaced;
            lock.lock();
            try {
                leaving.remove(provider);
                replaced = forget(provider);
                providerBound.signalAll();
            } finally {
                lock.unlock();
            }
            if (replaced) {
                provided(provider.type());
            }
        }
    }

    /** Drops the bound provider; true when a refused candidate took its type. */
    private boolean forget(FunctionProvider provider) {
        Entry e = entries.get(provider.type());
        if (e == null || e.bound() != provider) {
            return false;
        }
        if (e.refused().isEmpty()) {
            entries.remove(provider.type());
            return false;
        }
        FunctionProvider next = e.refused().getFirst();
        entries.put(
                provider.type(),
                new Entry(next, List.copyOf(e.refused().subList(1, e.refused().size()))));
        LOG.log(
                Level.INFO,
                "{0} now provides function type {1}",
                next.info(),
                Integer.toUnsignedString(provider.type()));
        return true;
    }

    /** The provider bound to {@code type}: {@code gh_vm_get_function}'s lookup. */
    public Optional<FunctionProvider> lookup(int type) {
        lock.lock();
        try {
            Entry e = entries.get(type);
            return e == null || leaving.contains(e.bound()) ? Optional.empty() : Optional.of(e.bound());
        } finally {
            lock.unlock();
        }
    }

    /** Waits, bounded, until a provider is bound to {@code type}. */
    public Optional<FunctionProvider> awaitProvider(int type, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        lock.lock();
        try {
            while (true) {
                Optional<FunctionProvider> p = lookup(type);
                long left = deadline - System.nanoTime();
                if (p.isPresent() || left <= 0) {
                    return p;
                }
                providerBound.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether new instances may still pin {@code provider}. Checked again under the VM's function
     * lock, so an instance is either swept by {@link #remove} or never bound.
     */
    public boolean isLive(FunctionProvider provider) {
        lock.lock();
        try {
            Entry e = entries.get(provider.type());
            return e != null && e.bound() == provider && !leaving.contains(provider);
        } finally {
            lock.unlock();
        }
    }

    /** A snapshot of every type, ordered by type number. */
    public Map<Integer, Entry> snapshot() {
        lock.lock();
        try {
            return new LinkedHashMap<>(entries);
        } finally {
            lock.unlock();
        }
    }
}
