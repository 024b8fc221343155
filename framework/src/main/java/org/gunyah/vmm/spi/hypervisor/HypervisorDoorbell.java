package org.gunyah.vmm.spi.hypervisor;

import java.util.Optional;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.spi.VmContext.Registration;

/** A doorbell capability ({@code bell_send}, {@code bell_set_mask}). */
public non-sealed interface HypervisorDoorbell extends HypervisorResource {
    void send(long flags) throws GunyahException;

    void setMask(long enableMask, long ackMask) throws GunyahException;

    /** See {@link org.gunyah.vmm.spi.DoorbellResource#bindEventFd}. */
    default Optional<Registration> bindEventFd(EventFd source, boolean level) throws GunyahException {
        return Optional.empty();
    }
}
