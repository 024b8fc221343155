package org.gunyah.vmm.spi;

import org.gunyah.vmm.api.GunyahException;

/** A BELL_TX doorbell: ringing it raises the guest interrupt wired to it. */
public non-sealed interface DoorbellResource extends Resource {
    /** {@code gh_hypercall_bell_send}: ORs {@code flags} into the doorbell's flags. */
    void send(long flags) throws GunyahException;

    /**
     * {@code gh_hypercall_bell_set_mask}: the interrupt is asserted while
     * {@code flags & enableMask} is non-zero; the guest's acknowledgement clears
     * {@code ackMask}. (1, 1) gives a level interrupt.
     */
    void setMask(long enableMask, long ackMask) throws GunyahException;
}
