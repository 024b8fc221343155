package org.gunyah.vmm.vmm.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.vmm.ManagedVm;
import org.gunyah.vmm.vmm.ManagedVms;
import org.gunyah.vmm.vmm.VmSpec;

/** The named VMs, usable without OSGi: the component and the tests both drive this. */
public final class ManagedVmRegistry implements ManagedVms, AutoCloseable {
    private static final Logger LOG = System.getLogger(ManagedVmRegistry.class.getName());

    private final VmManager manager;
    private final Map<String, ManagedVm> byName = new LinkedHashMap<>();

    public ManagedVmRegistry(VmManager manager) {
        this.manager = manager;
    }

    @Override
    public ManagedVm create(VmSpec spec) throws GunyahException {
        spec.validate();
        synchronized (byName) {
            // Reserve the name first so that two creates of one name cannot both build a VM.
            if (byName.containsKey(spec.name())) {
                throw GunyahException.of(Errno.EEXIST, "a VM named %s exists", spec.name());
            }
            byName.put(spec.name(), null);
        }
        try {
            ManagedVm vm = ManagedVmImpl.create(manager, spec,
                    line -> LOG.log(Level.INFO, "[{0}] {1}", spec.name(), line), () -> forget(spec.name()));
            synchronized (byName) {
                byName.put(spec.name(), vm);
            }
            return vm;
        } catch (GunyahException | RuntimeException e) {
            forget(spec.name());
            throw e;
        }
    }

    private void forget(String name) {
        synchronized (byName) {
            byName.remove(name);
        }
    }

    @Override
    public Optional<ManagedVm> find(String nameOrId) {
        synchronized (byName) {
            ManagedVm vm = byName.get(nameOrId);
            if (vm != null) {
                return Optional.of(vm);
            }
            return byName.values().stream().filter(v -> v != null && String.valueOf(v.vm().id()).equals(nameOrId)).findFirst();
        }
    }

    @Override
    public List<ManagedVm> list() {
        synchronized (byName) {
            return byName.values().stream().filter(v -> v != null).toList();
        }
    }

    /** Closes every VM, newest first. */
    @Override
    public void close() {
        List<ManagedVm> all = new ArrayList<>(list());
        for (int i = all.size() - 1; i >= 0; i--) {
            all.get(i).close();
        }
    }
}
