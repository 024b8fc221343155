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
     * The same as {@link #bindEventFd(EventFd, boolean, Optional)} without a resample eventfd.
     */
    default Optional<VmContext.Registration> bindEventFd(EventFd source, boolean level) throws GunyahException {
        return bindEventFd(source, level, Optional.empty());
    }

    /**
     * {@link #bindEventFd(EventFd, boolean)}, and with {@code resample} (level only) the platform
     * also signals that eventfd after each guest acknowledgement of the interrupt, as KVM_IRQFD's
     * resamplefd. Empty when the platform cannot do both for these eventfds.
     *
     * @since spi 0.4.0
     */
    default Optional<VmContext.Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample)
            throws GunyahException {
        return Optional.empty();
    }

    /**
     * Calls {@code listener} after each guest acknowledgement (EOI) of the level interrupt (after
     * {@link #setMask}), once the acknowledgement has cleared the ack mask's flags, outside the
     * platform's locks, in whatever thread the platform sees it; the listener must be quick and
     * must not block. Empty when the platform cannot tell. It ends when closed or when the
     * resource is taken back.
     *
     * @since spi 0.4.0
     */
    default Optional<VmContext.Registration> onAcknowledge(Runnable listener) throws GunyahException {
        return Optional.empty();
    }
}
