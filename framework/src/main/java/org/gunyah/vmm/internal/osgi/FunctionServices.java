package org.gunyah.vmm.internal.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import org.gunyah.vmm.internal.registry.FunctionRegistry;
import org.gunyah.vmm.spi.VmFunction;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTrackerCustomizer;

/**
 * Turns {@code VmFunction} services into registry providers, refusing malformed ones with a log
 * line. A tracker that never gets the services: a DS reference would hold each one and add one to
 * the usage count that must equal the number of instances.
 */
final class FunctionServices implements ServiceTrackerCustomizer<VmFunction, ServiceFunctionProvider> {
    private static final Logger LOG = System.getLogger(FunctionServices.class.getName());

    private final BundleContext context;
    private final FunctionRegistry registry;

    FunctionServices(BundleContext context, FunctionRegistry registry) {
        this.context = context;
        this.registry = registry;
    }

    @Override
    public ServiceFunctionProvider addingService(ServiceReference<VmFunction> reference) {
        long type = ServiceFunctionProvider.typeOf(reference);
        if (type < 0) {
            LOG.log(
                    Level.ERROR,
                    "VmFunction service {0} of bundle {1} has no valid {2} property; ignored",
                    reference.getProperty(Constants.SERVICE_ID),
                    reference.getBundle(),
                    VmFunction.TYPE);
            return null;
        }
        ServiceFunctionProvider provider = new ServiceFunctionProvider(context, reference, (int) type);
        registry.add(provider);
        return provider;
    }

    @Override
    public void modifiedService(ServiceReference<VmFunction> reference, ServiceFunctionProvider provider) {
        // Instances were bound under the old type; moving them would break their callers.
        if (ServiceFunctionProvider.typeOf(reference) != Integer.toUnsignedLong(provider.type())) {
            LOG.log(
                    Level.ERROR,
                    "VmFunction service {0} changed its {1}; it keeps type {2} until it is registered again",
                    reference.getProperty(Constants.SERVICE_ID),
                    VmFunction.TYPE,
                    Integer.toUnsignedString(provider.type()));
        }
    }

    @Override
    public void removedService(ServiceReference<VmFunction> reference, ServiceFunctionProvider provider) {
        registry.remove(provider);
    }
}
