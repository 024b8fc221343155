package org.gunyah.vmm.device.net;

/**
 * A switch's link out of the runtime (a host TAP): it takes the frames the switch sends it, and
 * hands the switch those that come from outside. Closed with the switch.
 */
interface Uplink extends FrameSink, AutoCloseable {
    /** The host interface it is attached to. */
    String name();

    @Override
    void close();
}
