package org.gunyah.vmm.managed.internal;

import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmDeclaration;
import org.gunyah.vmm.managed.VmSpec;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/** {@link ManagedVms} as a service; going away closes every VM it made. */
@Component(service = ManagedVms.class)
public final class ManagedVmsComponent implements ManagedVms {
    private final ManagedVmRegistry registry;

    /** {@code admin} resolves the function type names that VM declarations use, installed bundles included. */
    @Activate
    public ManagedVmsComponent(@Reference VmManager manager, @Reference FunctionAdmin admin) {
        this.registry = new ManagedVmRegistry(
                manager,
                name -> admin.functionTypes().stream()
                        .filter(t ->
                                t.provider() != null && name.equals(t.provider().name()))
                        .map(FunctionTypeInfo::type)
                        .findFirst());
    }

    /** A device bundle's model: VMs may name it; one leaving first takes its devices' state (see {@link PluggedDevice}). */
    @Reference(
            name = "deviceModel",
            cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC,
            unbind = "removeDeviceModel")
    void addDeviceModel(DeviceModel model) {
        registry.addDeviceModel(model);
    }

    void removeDeviceModel(DeviceModel model) {
        registry.removeDeviceModel(model);
    }

    @Deactivate
    void deactivate() {
        registry.close();
    }

    @Override
    public ManagedVm create(VmSpec spec) throws GunyahException {
        return registry.create(spec);
    }

    @Override
    public ManagedVm create(VmSpec spec, java.util.function.Consumer<String> console) throws GunyahException {
        return registry.create(spec, console);
    }

    @Override
    public ManagedVm launch(VmDeclaration declaration) throws GunyahException {
        return registry.launch(declaration);
    }

    @Override
    public ManagedVm launch(VmDeclaration declaration, java.util.function.Consumer<String> console)
            throws GunyahException {
        return registry.launch(declaration, console);
    }

    @Override
    public Optional<ManagedVm> find(String nameOrId) {
        return registry.find(nameOrId);
    }

    @Override
    public Optional<ManagedVm> await(String name, java.time.Duration timeout) throws InterruptedException {
        return registry.await(name, timeout);
    }

    @Override
    public java.util.Set<String> deviceModels() {
        return registry.deviceModels();
    }

    @Override
    public List<ManagedVm> list() {
        return registry.list();
    }
}
