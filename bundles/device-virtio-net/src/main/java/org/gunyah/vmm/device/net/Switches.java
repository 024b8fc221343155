package org.gunyah.vmm.device.net;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The virtual switches of the runtime, by name: one is made when a device first plugs into its
 * name and goes when its last card's port is unplugged, with its uplink to a host TAP if a card
 * asked for one. {@link #BUNDLE} is the bundle's: every VM's virtio-net devices meet there. A
 * device replaced by a new revision of the bundle plugs into the new revision's registry; once
 * every device of the model is replaced they meet again.
 */
final class Switches {
    static final Switches BUNDLE = new Switches();

    /** Opens a host TAP for a switch's uplink, whose frames from the host go to {@code port}'s switch. */
    interface TapOpener {
        Uplink open(String name, java.util.function.Consumer<byte[]> fromHost) throws GunyahException;
    }

    private final TapOpener taps;
    // Guarded by this; taken before a switch's monitor.
    private final Map<String, VirtualSwitch> byName = new HashMap<>();

    Switches() {
        this(HostTap::open);
    }

    Switches(TapOpener taps) {
        this.taps = taps;
    }

    /** A port on switch {@code name} with address {@code mac}, or one derived from {@code seed} when empty. */
    VirtualSwitch.Port plug(String name, FrameSink sink, Optional<Mac> mac, String seed) {
        try {
            return plug(name, sink, mac, seed, Optional.empty());
        } catch (GunyahException e) {
            throw new IllegalStateException("no TAP was asked for", e);
        }
    }

    /**
     * As {@link #plug(String, FrameSink, Optional, String)}, with the switch's uplink to host TAP
     * {@code tap} made first when it has none: EINVAL when it has another, the TAP's errno when it
     * cannot be opened (the switch is then as it was).
     */
    synchronized VirtualSwitch.Port plug(
            String name, FrameSink sink, Optional<Mac> mac, String seed, Optional<String> tap) throws GunyahException {
        VirtualSwitch s = byName.get(name);
        boolean made = s == null;
        if (made) {
            s = new VirtualSwitch(name, this);
        }
        if (tap.isPresent()) {
            Optional<Uplink> uplink = s.uplink();
            if (uplink.isPresent() && !uplink.get().name().equals(tap.get())) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "virtio-net: switch %s is connected to TAP %s, not %s",
                        name,
                        uplink.get().name(),
                        tap.get());
            }
            if (uplink.isEmpty()) {
                // Frames the host sends before the port exists are dropped, as on a link coming up.
                java.util.concurrent.atomic.AtomicReference<VirtualSwitch.Port> port =
                        new java.util.concurrent.atomic.AtomicReference<>();
                Uplink opened = taps.open(tap.get(), frame -> {
                    VirtualSwitch.Port p = port.get();
                    if (p != null) {
                        p.send(frame);
                    }
                });
                port.set(s.plugUplink(opened));
            }
        }
        if (made) {
            byName.put(name, s);
        }
        return mac.isPresent() ? s.plug(sink, mac.get()) : s.plugDerived(sink, seed);
    }

    synchronized Optional<VirtualSwitch> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    void unplug(VirtualSwitch.Port port) {
        Optional<Uplink> uplink = Optional.empty();
        synchronized (this) {
            VirtualSwitch s = port.network();
            if (s.unplug(port) && byName.get(s.name()) == s) {
                byName.remove(s.name());
                uplink = s.uplink();
            }
        }
        // Outside the monitor: closing waits for the TAP's reader, which may be forwarding a frame.
        uplink.ifPresent(Uplink::close);
    }
}
