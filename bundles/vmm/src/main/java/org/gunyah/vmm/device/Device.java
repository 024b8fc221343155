package org.gunyah.vmm.device;

/**
 * One device of one VM, made by its {@link DeviceModel}. The VMM routes the guest's accesses to
 * {@link #registers} and, to replace it with a new version under a running guest, quiesces it,
 * creates the successor from the state, and closes it (or {@link #resume resumes} it when the
 * successor cannot be made).
 */
public interface Device extends AutoCloseable {
    MmioDevice registers();

    /**
     * Stops taking new work, completes or records what is in flight, and returns the state a
     * successor continues from; the guest sees a pause. Register accesses that come meanwhile are
     * held by the VMM until the successor (or this device, resumed) takes them.
     */
    DeviceState quiesce();

    /** Takes work again after {@link #quiesce}, when no successor took over. */
    void resume();

    /** Releases everything the device holds (threads, files, doorbells). Idempotent. */
    @Override
    void close();
}
