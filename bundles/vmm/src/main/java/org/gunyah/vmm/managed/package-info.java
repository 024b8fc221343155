/**
 * The VMM above the VM manager: named VMs with guest RAM, an optional guest image, a devicetree
 * written from their functions, one platform thread per vCPU and small device models for the MMIO
 * exits no function handles. What consoles and declarative configurations create VMs through.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.2.0")
package org.gunyah.vmm.managed;
