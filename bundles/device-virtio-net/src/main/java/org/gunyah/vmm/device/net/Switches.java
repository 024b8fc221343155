package org.gunyah.vmm.device.net;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The virtual switches of the runtime, by name: one is made when a device first plugs into its
 * name and goes when its last port is unplugged. {@link #BUNDLE} is the bundle's: every VM's
 * virtio-net devices meet there. A device replaced by a new revision of the bundle plugs into the
 * new revision's registry; once every device of the model is replaced they meet again.
 */
final class Switches {
    static final Switches BUNDLE = new Switches();

    // Guarded by this; taken before a switch's monitor.
    private final Map<String, VirtualSwitch> byName = new HashMap<>();

    /** A port on switch {@code name} with address {@code mac}, or one derived from {@code seed} when empty. */
    synchronized VirtualSwitch.Port plug(String name, FrameSink sink, Optional<Mac> mac, String seed) {
        VirtualSwitch s = byName.computeIfAbsent(name, n -> new VirtualSwitch(n, this));
        return mac.isPresent() ? s.plug(sink, mac.get()) : s.plugDerived(sink, seed);
    }

    synchronized Optional<VirtualSwitch> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    synchronized void unplug(VirtualSwitch.Port port) {
        VirtualSwitch s = port.network();
        if (s.unplug(port) && byName.get(s.name()) == s) {
            byName.remove(s.name());
        }
    }
}
