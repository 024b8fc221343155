package org.gunyah.vmm.internal.registry;

import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.spi.VmFunction;

/**
 * A registered {@link VmFunction} service as the registry holds it. {@link #acquire()} and
 * {@link #release()} are {@code try_module_get}/{@code module_put}: in OSGi they are
 * {@code getService}/{@code ungetService}, so the service's usage count is the refcount.
 */
public interface FunctionProvider {
    int type();

    ProviderInfo info();

    /** Pins the provider for one instance; null when the service has gone away. */
    VmFunction acquire();

    /** Drops one pin taken by {@link #acquire()}. */
    void release();
}
