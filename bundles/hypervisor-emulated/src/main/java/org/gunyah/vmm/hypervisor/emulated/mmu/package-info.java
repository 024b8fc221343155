/**
 * Stage-1 address translation of the EL1&0 regime as ARMv8.0 defines it for the 4 KiB granule
 * ({@link Stage1}), its faults ({@link Fault}), and the software TLB of a vCPU ({@link Tlb}) with
 * the VM-wide domain that the broadcast TLBI forms invalidate ({@link TlbDomain}). Nothing here
 * knows the CPU: the walk reads guest physical memory through {@link PhysicalMemory}, and the CPU
 * turns a {@link Fault} into its exception.
 */
package org.gunyah.vmm.hypervisor.emulated.mmu;
