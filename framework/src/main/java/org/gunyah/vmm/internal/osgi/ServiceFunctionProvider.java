package org.gunyah.vmm.internal.osgi;

import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.VmFunction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * A {@link VmFunction} service as a provider. The framework itself never holds the service: each
 * bound instance does, through {@code getService}, so the service's usage count by this bundle is
 * exactly the number of instances, the module refcount.
 */
final class ServiceFunctionProvider implements FunctionProvider {
    private final BundleContext context;
    private final ServiceReference<VmFunction> reference;
    private final int type;
    private final String name;

    ServiceFunctionProvider(BundleContext context, ServiceReference<VmFunction> reference, int type) {
        this.context = context;
        this.reference = reference;
        this.type = type;
        Object n = reference.getProperty(VmFunction.NAME);
        this.name = n == null ? "type " + Integer.toUnsignedString(type) : n.toString();
    }

    /** The type number from the service property, or -1 when it is missing or not a number. */
    static long typeOf(ServiceReference<?> reference) {
        Object t = reference.getProperty(VmFunction.TYPE);
        try {
            long v = switch (t) {
                case Number n -> n.longValue();
                case String s -> Long.decode(s.trim());
                case null, default -> -1;
            };
            return v >= 0 && v <= 0xffff_ffffL ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public int type() {
        return type;
    }

    /** A snapshot, with the bundle's state as it is now. */
    @Override
    public ProviderInfo info() {
        Bundle b = reference.getBundle();
        return new ProviderInfo(
                name,
                (Long) reference.getProperty(Constants.SERVICE_ID),
                b == null ? -1 : b.getBundleId(),
                b == null ? "?" : b.getSymbolicName(),
                b == null ? "?" : b.getVersion().toString(),
                b == null ? "UNREGISTERED" : BundleStates.name(b.getState()));
    }

    Bundle bundle() {
        return reference.getBundle();
    }

    @Override
    public VmFunction acquire() {
        return context.getService(reference);
    }

    @Override
    public void release() {
        context.ungetService(reference);
    }

    @Override
    public String toString() {
        return info().toString();
    }
}
