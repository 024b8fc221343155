package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gunyah.vmm.device.DeviceModel;

/**
 * The device models the device bundles provide, by name, and the VMs' devices that hear when a
 * model leaves (its bundle is stopping or being replaced: they hand their state over) and when
 * one arrives (the new version takes it). The first model of a name wins; a second is ignored
 * with a warning until the first leaves.
 */
final class DeviceModels {
    private static final Logger LOG = System.getLogger(DeviceModels.class.getName());

    /** A VM's device of some model. Called on the thread that registers or unregisters the service. */
    interface Listener {
        void arrived(DeviceModel model);

        void leaving(DeviceModel model);
    }

    private final Map<String, DeviceModel> models = new HashMap<>();
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

    synchronized Optional<DeviceModel> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    synchronized Set<String> names() {
        return new TreeSet<>(models.keySet());
    }

    void add(DeviceModel model) {
        synchronized (this) {
            DeviceModel first = models.putIfAbsent(model.name(), model);
            if (first != null) {
                LOG.log(
                        Level.WARNING,
                        "a second device model named {0} is ignored while the first is there",
                        model.name());
                return;
            }
        }
        listeners.forEach(l -> l.arrived(model));
    }

    void remove(DeviceModel model) {
        synchronized (this) {
            if (!models.remove(model.name(), model)) {
                return;
            }
        }
        listeners.forEach(l -> l.leaving(model));
    }

    void listen(Listener l) {
        listeners.add(l);
    }

    void ignore(Listener l) {
        listeners.remove(l);
    }
}
