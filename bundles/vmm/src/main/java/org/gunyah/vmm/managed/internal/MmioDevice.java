package org.gunyah.vmm.managed.internal;

/** A device model on the VMM's MMIO bus: the exits in [{@link #base}, base + {@link #size}) are its. */
interface MmioDevice {
    long base();

    long size();

    /** A guest read of {@code len} bytes at {@code offset} from the base: the value it gets. */
    long read(long offset, int len);

    /** A guest write of {@code len} bytes of {@code data} at {@code offset} from the base. */
    void write(long offset, int len, long data);

    default boolean covers(long physAddr) {
        return physAddr >= base() && physAddr - base() < size();
    }
}
