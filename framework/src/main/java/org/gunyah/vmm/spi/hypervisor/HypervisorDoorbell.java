package org.gunyah.vmm.spi.hypervisor;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.VmContext.Registration;

/** A doorbell capability ({@code bell_send}, {@code bell_set_mask}). */
public non-sealed interface HypervisorDoorbell extends HypervisorResource {
    void send(long flags) throws GunyahException;

    void setMask(long enableMask, long ackMask) throws GunyahException;

    /** See {@link org.gunyah.vmm.spi.DoorbellResource#bindEventFd(EventFd, boolean)}. */
    default Optional<Registration> bindEventFd(EventFd source, boolean level) throws GunyahException {
        return bindEventFd(source, level, Optional.empty());
    }

    /**
     * See {@link org.gunyah.vmm.spi.DoorbellResource#bindEventFd(EventFd, boolean, Optional)}.
     *
     * @since spi.hypervisor 0.5.0
     */
    default Optional<Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample)
            throws GunyahException {
        return Optional.empty();
    }

    /**
     * See {@link org.gunyah.vmm.spi.DoorbellResource#onAcknowledge}.
     *
     * @since spi.hypervisor 0.5.0
     */
    default Optional<Registration> onAcknowledge(Runnable listener) throws GunyahException {
        return Optional.empty();
    }
}
