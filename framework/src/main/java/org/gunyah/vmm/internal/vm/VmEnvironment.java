package org.gunyah.vmm.internal.vm;

import java.time.Duration;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.internal.registry.FunctionRegistry;

/**
 * What a VM needs from the manager that created it. {@code rmTimeout} bounds each wait for the
 * resource manager in teardown; {@code callTimeout} bounds how long an add or remove waits for
 * another function call on the same VM (a bind that blocks) before it gives up with EBUSY.
 */
public record VmEnvironment(
        FunctionRegistry registry,
        ProviderResolver resolver,
        EventFdLookup eventFds,
        Duration rmTimeout,
        Duration callTimeout) {

    /** Finds the provider of a type, loading it if the runtime can (the {@code request_module} step). */
    @FunctionalInterface
    public interface ProviderResolver {
        Optional<FunctionProvider> resolve(int type) throws GunyahException;
    }

    @FunctionalInterface
    public interface EventFdLookup {
        EventFd lookup(int fd) throws GunyahException;
    }
}
