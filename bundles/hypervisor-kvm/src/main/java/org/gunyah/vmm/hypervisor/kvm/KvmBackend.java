package org.gunyah.vmm.hypervisor.kvm;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Dictionary;
import java.util.Hashtable;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Registers the KVM {@link Hypervisor} only where /dev/kvm can create a VM, ranked
 * {@link #RANKING} so it is preferred over the emulated backend (ranked 0); elsewhere it logs one
 * line saying why and stays out of the way. DS cannot make a service's registration depend on
 * what activation finds, hence the explicit registration here.
 */
@Component(
        immediate = true,
        service = {})
public final class KvmBackend {
    private static final Logger LOG = System.getLogger(KvmBackend.class.getName());
    public static final int RANKING = 10;

    private KvmHypervisor hypervisor;
    private ServiceRegistration<Hypervisor> registration;

    @Activate
    void activate(BundleContext context) {
        String why = unavailableReason();
        if (why != null) {
            LOG.log(Level.INFO, "KVM backend not registered: {0}", why);
            return;
        }
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(Hypervisor.NAME, KvmHypervisor.NAME);
        props.put(Constants.SERVICE_RANKING, RANKING);
        registration = context.registerService(Hypervisor.class, hypervisor, props);
    }

    private String unavailableReason() {
        if (!System.getProperty("os.name", "").equals("Linux")
                || !System.getProperty("os.arch", "").equals("amd64")) {
            return "it runs on x86-64 Linux only, not " + System.getProperty("os.name") + "/"
                    + System.getProperty("os.arch");
        }
        try {
            hypervisor = KvmHypervisor.open();
            return null;
        } catch (GunyahException e) {
            return e.getMessage();
        } catch (IllegalCallerException e) {
            return "native access is not enabled (run the JVM with --enable-native-access=ALL-UNNAMED): "
                    + e.getMessage();
        } catch (LinkageError e) {
            return "the C library could not be linked: " + e;
        }
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (hypervisor != null) {
            hypervisor.close();
            hypervisor = null;
        }
    }
}
