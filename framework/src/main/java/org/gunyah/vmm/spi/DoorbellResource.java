package org.gunyah.vmm.spi;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
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

    /**
     * Rings the doorbell once each time {@code source} is signalled, draining its counter, without
     * a thread of the VMM in between when the platform can (KVM's in-kernel irqfd); with
     * {@code level} the interrupt stays asserted until the guest acknowledges it, as after
     * {@code setMask(1, 1)}. Empty when the platform cannot do it for this eventfd: then subscribe
     * and {@link #send} as before. The binding ends when closed or when the resource is taken back.
     */
    default Optional<VmContext.Registration> bindEventFd(EventFd source, boolean level) throws GunyahException {
        return Optional.empty();
    }
}
