package org.gunyah.vmm.device.net;

/** Where a switch's port delivers the frames meant for it. */
@FunctionalInterface
interface FrameSink {
    /**
     * A frame for this port: the Ethernet header and payload, no FCS. Called on the sender's
     * thread, so it must not block; the array is shared with the other ports and must not be changed.
     */
    void receive(byte[] frame);
}
