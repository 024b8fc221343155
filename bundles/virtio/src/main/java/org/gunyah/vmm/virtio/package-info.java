/**
 * Virtio 1.2 for device bundles: the virtio-mmio transport (version 2, "modern" drivers only) and
 * split virtqueues, as plain classes a device model builds on. A device implements
 * {@link org.gunyah.vmm.virtio.VirtioDevice}; an {@link org.gunyah.vmm.virtio.MmioTransport} puts
 * it on the VMM's bus as an {@link org.gunyah.vmm.device.MmioDevice}, negotiates features with the
 * guest's driver and hands the device its {@link org.gunyah.vmm.virtio.Virtqueue}s once the driver
 * is ready. The queues read guest memory only through {@link org.gunyah.vmm.device.GuestRam}; what
 * the guest wrote there is checked, and a malformed ring puts the device in DEVICE_NEEDS_RESET
 * rather than failing anything on the host. A transport's state ({@link
 * org.gunyah.vmm.virtio.TransportState}) is part of what a device hands to its successor.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.gunyah.vmm.virtio;
