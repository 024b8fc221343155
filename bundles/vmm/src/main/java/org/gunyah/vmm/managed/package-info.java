/**
 * The VMM above the VM manager: named VMs with guest RAM, booted from a raw image or an arm64
 * Linux kernel ({@link org.gunyah.vmm.managed.Boot}), a devicetree written from their functions and devices, one platform thread per vCPU and small device models for the MMIO
 * exits no function handles. What consoles and declarative configurations create VMs through.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.5.0")
package org.gunyah.vmm.managed;
