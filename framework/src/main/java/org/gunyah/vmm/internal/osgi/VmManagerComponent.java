package org.gunyah.vmm.internal.osgi;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.gunyah.vmm.api.admin.VmInfo;
import org.gunyah.vmm.internal.manager.FrameworkSettings;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.spi.hypervisor.Hypervisor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The VM manager as a service. Backends arrive as a dynamic DS reference. Function services are
 * followed with a tracker that never gets them, because a DS reference would hold each one and
 * add one to the usage count that must equal the number of instances.
 */
@Component(
        service = {VmManager.class, FunctionAdmin.class},
        immediate = true,
        configurationPid = VmManagerComponent.PID)
@Designate(ocd = FrameworkConfiguration.class)
public final class VmManagerComponent implements VmManager, FunctionAdmin {
    private static final Logger LOG = System.getLogger(VmManagerComponent.class.getName());
    /** The configuration's PID (Configuration Admin; {@code conf/org.gunyah.vmm.framework.cfg} in the runtime). */
    static final String PID = "org.gunyah.vmm.framework";

    // Built before activation: SCR binds the dynamic hypervisor references first.
    private final VmManagerCore core = new VmManagerCore(FrameworkSettings.DEFAULTS);
    private ServiceTracker<VmFunction, ServiceFunctionProvider> functions;
    private FunctionBundleIndex index;
    private BundleContext context;
    private KnownFunctionTypes known;
    private volatile FunctionDeployer deployer;
    private volatile FunctionUndeployer undeployer;

    @Activate
    void activate(BundleContext context, FrameworkConfiguration config) {
        this.context = context;
        index = new FunctionBundleIndex(context).open();
        known = new KnownFunctionTypes(index, core);
        configure(config);
        functions = new ServiceTracker<>(context, VmFunction.class, new FunctionServices(context, core.registry()));
        functions.open();
    }

    /** A changed configuration applies at once, without tearing the VMs down (see {@link VmManagerCore#configure}). */
    @Modified
    void modified(FrameworkConfiguration config) {
        configure(config);
    }

    private void configure(FrameworkConfiguration config) {
        FrameworkSettings settings = SettingsReader.read(config, context::getProperty);
        LOG.log(Level.DEBUG, "settings: {0}", settings);
        core.configure(settings);
        FunctionRepository repository = new FunctionRepository(context, settings);
        repository.installAll();
        FunctionInstaller installer = FunctionInstaller.of(context, repository, settings.loadTimeout());
        core.setResolver(new FunctionLoader(index, repository, core.registry(), settings.loadTimeout())::resolve);
        deployer = new FunctionDeployer(context, index, installer, core, settings.loadTimeout());
        undeployer = new FunctionUndeployer(index, installer, core);
    }

    @Deactivate
    void deactivate() {
        core.closeAll();
        functions.close();
        index.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addHypervisor(Hypervisor hypervisor, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        core.addHypervisor(
                hypervisor, ranking instanceof Integer r ? r : 0, (Long) properties.get(Constants.SERVICE_ID));
    }

    void removeHypervisor(Hypervisor hypervisor) {
        core.removeHypervisor(hypervisor);
    }

    // VmManager and FunctionAdmin, by delegation

    @Override
    public Vm createVm() throws GunyahException {
        return core.createVm();
    }

    @Override
    public Vm createVm(String hypervisor) throws GunyahException {
        return core.createVm(hypervisor);
    }

    @Override
    public List<String> hypervisors() {
        return core.hypervisors();
    }

    @Override
    public List<Vm> vms() {
        return core.vms();
    }

    @Override
    public Optional<Vm> vm(int id) {
        return core.vm(id);
    }

    @Override
    public EventFd createEventFd(long initval, int flags) throws GunyahException {
        return core.createEventFd(initval, flags);
    }

    @Override
    public Subscription onFunctionProvided(java.util.function.IntConsumer listener) {
        return core.onFunctionProvided(listener);
    }

    @Override
    public List<FunctionTypeInfo> functionTypes() {
        return known.all();
    }

    @Override
    public Optional<FunctionTypeInfo> functionType(int type) {
        return known.of(type);
    }

    @Override
    public List<VmInfo> listVms() {
        return core.listVms();
    }

    @Override
    public FunctionTypeInfo deploy(URI source) throws GunyahException {
        return deployer.deploy(source);
    }

    @Override
    public void undeploy(String typeOrName, UndeployOption... options) throws GunyahException {
        undeployer.undeploy(typeOrName, options);
    }
}
