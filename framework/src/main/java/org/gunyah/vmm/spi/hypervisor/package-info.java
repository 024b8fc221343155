/**
 * For hypervisor backends: the resource manager's operations on one VM and the hypercalls on the
 * resources it hands out. A backend registers a {@link org.gunyah.vmm.spi.hypervisor.Hypervisor}
 * service; the framework drives it and never lets function bundles see it. Backends use this
 * package plus the value types it names from {@code org.gunyah.vmm.api} (errnos, eventfds, exit
 * information) and {@code org.gunyah.vmm.spi} (resource types, vCPU run results).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("0.3.0")
package org.gunyah.vmm.spi.hypervisor;
