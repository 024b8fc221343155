package org.gunyah.vmm.spi;

import org.gunyah.vmm.api.GunyahException;

/**
 * {@code struct gh_vm_function}: one function type. Register it as an OSGi service (a Declarative
 * Services component) with the properties {@link #TYPE} (an Integer or Long) and {@link #NAME}.
 * The framework binds one provider per type; a second provider of a taken type is refused and
 * reported through the admin API. Every bound instance holds this service through
 * {@code getService}, so the OSGi usage count is the module refcount; when the service goes away,
 * every instance of the type is unbound first, on every VM.
 *
 * <p>bind, unbind and compare are all required: the kernel lets compare be NULL at registration
 * and dereferences it at removal.
 */
public interface VmFunction {
    /** Service property: the function type number ({@code gh_fn_type}). */
    String TYPE = "gunyah.function.type";
    /** Service property: the function's name, for people. */
    String NAME = "gunyah.function.name";

    /**
     * Creates the instance's state (keep it with {@link FunctionInstance#setData}), claims tickets
     * and IO handlers. Returns what {@code addFunction} hands the caller ({@code null} for nothing).
     * On failure it must leave nothing behind; the framework also removes any ticket or IO handler
     * the instance still holds, with a warning.
     */
    Object bind(FunctionInstance instance) throws GunyahException;

    /** Releases everything bind took. Cannot fail. */
    void unbind(FunctionInstance instance);

    /** Whether a removal request with argument {@code arg} names this instance. */
    boolean compare(FunctionInstance instance, byte[] arg);
}
