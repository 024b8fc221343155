package org.gunyah.vmm.device;

/**
 * A device's registers on the VMM's bus: the guest's loads and stores in its window, by offset
 * from the window's base. Called on the vCPU thread that made the access, possibly several at
 * once: a device keeps its own state consistent. An access the device does not define reads as
 * zero and is ignored when written, as on a bus that does not fault.
 */
public interface MmioDevice {
    /** A guest load of {@code size} bytes (1, 2, 4 or 8) at {@code offset}: the value it gets. */
    long read(long offset, int size);

    /** A guest store of the low {@code size} bytes of {@code value} at {@code offset}. */
    void write(long offset, int size, long value);
}
