package org.gunyah.vmm.spi.hypervisor;

import org.gunyah.vmm.api.GunyahException;

/** A doorbell capability ({@code bell_send}, {@code bell_set_mask}). */
public non-sealed interface HypervisorDoorbell extends HypervisorResource {
    void send(long flags) throws GunyahException;

    void setMask(long enableMask, long ackMask) throws GunyahException;
}
