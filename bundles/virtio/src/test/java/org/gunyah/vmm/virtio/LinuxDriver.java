package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest's side of the register file, in the order Linux's virtio_mmio and virtio core use it
 * (virtio_mmio_probe, virtio_dev_probe, vm_find_vqs, virtio_device_ready), one 32-bit access at a
 * time.
 */
final class LinuxDriver {
    final MmioTransport transport;

    LinuxDriver(MmioTransport transport) {
        this.transport = transport;
    }

    int read(int offset) {
        return (int) transport.read(offset, 4);
    }

    void write(int offset, int value) {
        transport.write(offset, 4, Integer.toUnsignedLong(value));
    }

    void addStatus(int bits) {
        write(STATUS, read(STATUS) | bits);
    }

    /** Probe, reset, ACKNOWLEDGE, DRIVER, features: whether the device kept FEATURES_OK. */
    boolean negotiate(long accepted) {
        assertEquals(MmioTransport.MAGIC, read(MAGIC_VALUE));
        assertEquals(2, read(Registers.VERSION));
        assertTrue(read(DEVICE_ID) != 0);
        write(STATUS, 0);
        addStatus(DeviceStatus.ACKNOWLEDGE);
        addStatus(DeviceStatus.DRIVER);
        write(DEVICE_FEATURES_SEL, 1);
        long offered = (long) read(DEVICE_FEATURES) << 32;
        write(DEVICE_FEATURES_SEL, 0);
        offered |= Integer.toUnsignedLong(read(DEVICE_FEATURES));
        long chosen = offered & accepted;
        write(DRIVER_FEATURES_SEL, 1);
        write(DRIVER_FEATURES, (int) (chosen >>> 32));
        write(DRIVER_FEATURES_SEL, 0);
        write(DRIVER_FEATURES, (int) chosen);
        addStatus(DeviceStatus.FEATURES_OK);
        return (read(STATUS) & DeviceStatus.FEATURES_OK) != 0;
    }

    /** vm_setup_vq: select, check it is free, size it, place it, ready. */
    void setUpQueue(int index, DriverRing ring) {
        write(QUEUE_SEL, index);
        assertEquals(0, read(QUEUE_READY));
        assertTrue(read(QUEUE_NUM_MAX) >= ring.size);
        write(QUEUE_NUM, ring.size);
        write(QUEUE_DESC_LOW, (int) ring.desc);
        write(QUEUE_DESC_HIGH, (int) (ring.desc >>> 32));
        write(QUEUE_DRIVER_LOW, (int) ring.avail);
        write(QUEUE_DRIVER_HIGH, (int) (ring.avail >>> 32));
        write(QUEUE_DEVICE_LOW, (int) ring.used);
        write(QUEUE_DEVICE_HIGH, (int) (ring.used >>> 32));
        write(QUEUE_READY, 1);
    }

    void driverOk() {
        addStatus(DeviceStatus.DRIVER_OK);
    }

    void notify(int queue) {
        write(QUEUE_NOTIFY, queue);
    }

    /** vm_interrupt: read InterruptStatus, acknowledge what it read. */
    int acknowledge() {
        int status = read(INTERRUPT_STATUS);
        write(INTERRUPT_ACK, status);
        return status;
    }
}
