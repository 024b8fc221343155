package org.gunyah.vmm.device.net;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A learning Ethernet switch inside the runtime, the network its ports' devices are plugged into.
 * It learns which port each source address sent from, forwards a unicast frame to the port that
 * learned its destination, and floods group (broadcast, multicast) frames and unknown destinations
 * to every other port; no frame goes back to the port it came from. Learned addresses are
 * forgotten with their port, never by age: a guest that moves is relearned by its next frame.
 *
 * <p>Made and dropped by {@link Switches}: it lives while it has ports.
 */
final class VirtualSwitch {
    /** The shortest frame forwarded: an Ethernet header (destination, source, type). */
    static final int MIN_FRAME = 14;

    private final String name;
    private final Switches registry;
    private final AtomicLong dropped = new AtomicLong();
    // Guarded by this.
    private final Set<Port> ports = new LinkedHashSet<>();
    private final Map<Mac, Port> learned = new HashMap<>();

    VirtualSwitch(String name, Switches registry) {
        this.name = name;
        this.registry = registry;
    }

    String name() {
        return name;
    }

    /** A port plugged here whose device sends from {@code mac}: the switch knows it at once. */
    synchronized Port plug(FrameSink sink, Mac mac) {
        Port port = new Port(sink, mac, Optional.empty());
        ports.add(port);
        learned.put(mac, port);
        return port;
    }

    /**
     * The switch's uplink {@code tap} (a host TAP): a port like the cards' (the addresses
     * behind it are learned from the frames it brings), which does not keep the switch alive and
     * is closed with it. A switch has at most one.
     */
    synchronized Port plugUplink(Uplink tap) {
        Port port = new Port(tap, null, Optional.of(tap));
        ports.add(port);
        return port;
    }

    /** The TAP this switch's uplink is attached to, if it has one. */
    synchronized Optional<Uplink> uplink() {
        return ports.stream().flatMap(p -> p.tap.stream()).findFirst();
    }

    /**
     * A port whose address is derived from {@code seed} and the first number n from 0 for which
     * no port here has the address: the same seeds plugged in the same order get the same addresses.
     */
    synchronized Port plugDerived(FrameSink sink, String seed) {
        for (int n = 0; ; n++) {
            Mac mac = Mac.derived(seed + "/" + n);
            if (ports.stream().noneMatch(p -> mac.equals(p.mac))) {
                return plug(sink, mac);
            }
        }
    }

    synchronized int portCount() {
        return ports.size();
    }

    /** Frames this switch dropped for being too short to forward. */
    long dropped() {
        return dropped.get();
    }

    private void forward(Port from, byte[] frame) {
        if (frame.length < MIN_FRAME) {
            dropped.incrementAndGet();
            return;
        }
        Mac destination = Mac.at(frame, 0);
        Mac source = Mac.at(frame, 6);
        List<Port> targets = new ArrayList<>();
        synchronized (this) {
            if (!ports.contains(from)) {
                return; // unplugged meanwhile
            }
            if (!source.isGroup()) {
                learned.put(source, from);
            }
            Port known = destination.isGroup() ? null : learned.get(destination);
            if (known != null) {
                if (known != from) {
                    targets.add(known);
                }
            } else {
                for (Port p : ports) {
                    if (p != from) {
                        targets.add(p);
                    }
                }
            }
        }
        // Outside the monitor: a sink only queues, but it is another device's code.
        for (Port p : targets) {
            p.sink.receive(frame);
        }
    }

    /** Unplugs {@code port} and forgets what it taught; whether the switch has no card's port left (an uplink does not count). */
    synchronized boolean unplug(Port port) {
        if (ports.remove(port)) {
            learned.values().removeIf(p -> p == port);
        }
        return ports.stream().allMatch(p -> p.tap.isPresent());
    }

    /** One device's place on the switch. */
    final class Port implements AutoCloseable {
        private final FrameSink sink;
        private final Mac mac;
        private final Optional<Uplink> tap;

        private Port(FrameSink sink, Mac mac, Optional<Uplink> tap) {
            this.sink = sink;
            this.mac = mac;
            this.tap = tap;
        }

        /** The address the device was plugged in with. */
        Mac mac() {
            return mac;
        }

        VirtualSwitch network() {
            return VirtualSwitch.this;
        }

        /** Sends {@code frame} (header and payload, no FCS) from this port; any thread, never blocks. */
        void send(byte[] frame) {
            forward(this, frame);
        }

        /** Teaches the switch this port's own address again (after a successor took it meanwhile). */
        void relearn() {
            synchronized (VirtualSwitch.this) {
                if (ports.contains(this)) {
                    learned.put(mac, this);
                }
            }
        }

        /** Unplugs the port; the switch goes with its last one. Idempotent. */
        @Override
        public void close() {
            registry.unplug(this);
        }
    }
}
