package org.gunyah.vmm.device;

import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.gunyah.vmm.api.GunyahException;

/** What the VMM gives a device of one VM: its RAM, its interrupt, doorbells on its window. */
public interface DeviceContext {
    /** The VM's name, for logs and thread names. */
    String vmName();

    GuestRam ram();

    /**
     * The device's interrupt line: {@code line} answers whether it is up (see {@link
     * InterruptLine}). One per device; a second call gives the same line's new supplier.
     */
    InterruptLine interrupt(BooleanSupplier line);

    /**
     * Calls {@code ring} on a VMM thread for each guest write of {@code size} bytes at {@code
     * offset} in the device's window whose value is {@code datamatch} (empty: any value), through
     * an ioeventfd: the write does not reach the device's registers. EINVAL outside the window,
     * EEXIST for an offset and value already taken.
     */
    Registration doorbell(long offset, int size, OptionalLong datamatch, Runnable ring) throws GunyahException;

    /** A doorbell, removed when closed. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
