/**
 * Devicetrees: how a VM declares its vCPUs and doorbells to the hypervisor, as a Gunyah VM's DT
 * does. {@link org.gunyah.vmm.api.dt.DtNode} builds and reads a tree; {@link org.gunyah.vmm.api.dt.Fdt}
 * turns it into a flattened devicetree blob (the DTB given to {@code Vm.setDtbConfig}) and back,
 * checking every offset of an untrusted blob.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.1.0")
package org.gunyah.vmm.api.dt;
