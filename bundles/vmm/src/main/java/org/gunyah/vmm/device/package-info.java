/**
 * The device SPI: what a device model bundle implements and what the VMM gives it. A device
 * model ({@link org.gunyah.vmm.device.DeviceModel}, a Declarative Services component) makes a
 * {@link org.gunyah.vmm.device.Device} per VM that declares it; the VMM puts the device's
 * {@link org.gunyah.vmm.device.MmioDevice registers} on the VM's bus at a window of guest
 * physical addresses, with an interrupt ({@link org.gunyah.vmm.device.InterruptLine}, a level
 * irqfd resampled at the guest's EOI) and doorbells (ioeventfds) on that window for its data path,
 * which then never passes through the VMM's exit handling. Guest RAM is reached through
 * {@link org.gunyah.vmm.device.GuestRam}, which never reaches outside it. A device never talks to
 * the hypervisor backend.
 *
 * <p>When a device bundle is replaced under a running guest, the old device hands its state over
 * ({@link org.gunyah.vmm.device.DeviceState}, versioned) and the new one continues from it.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.gunyah.vmm.device;
