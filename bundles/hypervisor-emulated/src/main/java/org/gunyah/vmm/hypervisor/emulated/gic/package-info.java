/**
 * The GICv3 of the emulated hypervisor ({@link org.gunyah.vmm.hypervisor.emulated.gic.Gicv3}), as
 * Linux's irq-gic-v3 driver programs it: the distributor ({@code Distributor}), a redistributor
 * per vCPU ({@code Redistributor}) and the registers they share ({@code IrqRegisters}), the ICC
 * system-register CPU interface ({@code CpuInterface}, with {@code Sgi} for SGI generation), and
 * the state of each interrupt ({@code Irq}).
 *
 * <p>What it is: affinity routing always on, one security state (GICD_CTLR.DS = 1, so
 * GICD_IGRPMODR reads as zero), no LPIs, ITS or extended ranges, five priority bits, SGI target
 * lists with the range selector (RSS) and IRM. Group 1 interrupts are IRQs; group 0 ones are FIQs,
 * which the vCPU does not take (ICC_IAR0_EL1 still acknowledges them); every interrupt starts in
 * group 1, as with KVM. Out of reset priorities are 0, everything is disabled, SPIs are
 * level-sensitive and routed to vCPU 0, or to the vCPU a doorbell's devicetree node targets.
 * GICR_WAKER has its
 * ProcessorSleep/ChildrenAsleep handshake, but delivery does not wait for it, as with KVM's and
 * QEMU's GICv3. Inputs: the doorbells' SPIs (edge, or level with a resample at deactivation) and
 * the PPIs of the generic timer ({@code setPpiLevel}).
 *
 * <p>Concurrency: one lock per VM, the {@code Gicv3}'s monitor. Every change publishes, under it,
 * which vCPUs have an IRQ signalled (their ports' {@code setInterruptPending}, a volatile write)
 * and wakes those vCPUs after releasing it.
 */
package org.gunyah.vmm.hypervisor.emulated.gic;
