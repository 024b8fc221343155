package org.gunyah.vmm.internal.registry;

/** Told when the provider bound to a type goes away, before the registry forgets it. */
@FunctionalInterface
public interface ProviderListener {
    /** Must unbind every instance pinning {@code provider} and return only when none is left. */
    void providerLeaving(FunctionProvider provider);
}
