/**
 * A pure-Java Gunyah hypervisor: a resource manager (VM ids, memory parcels, the VM state machine,
 * resources declared in the VM's devicetree; see {@code spi.hypervisor.VmDescription}), doorbells wired to
 * the SPIs of a GICv3 ({@code gic}, whose distributor and redistributors the vCPUs handle without
 * MMIO exits), and vCPUs that interpret AArch64 guest code ({@code cpu}).
 *
 * <p>Boot: every vCPU starts at EL1h with interrupts masked, at the start of the memory parcel
 * that holds the devicetree (image offset 0), with x0 = the devicetree's guest address; a guest
 * tells its vCPUs apart by MPIDR_EL1. A load or store outside the parcels is a stage-2 fault,
 * reported as an MMIO exit. Guest hypercalls: {@code rm.GuestCalls}. An undefined instruction or a
 * fetch from outside RAM crashes the VM (the RM reports it through {@code RmListener.crashed}),
 * never the runtime. Parcel access rights are recorded, not enforced.
 */
package org.gunyah.vmm.hypervisor.emulated;
