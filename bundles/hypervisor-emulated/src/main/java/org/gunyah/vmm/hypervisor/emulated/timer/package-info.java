/**
 * The Arm generic timer of the emulated hypervisor: one {@link
 * org.gunyah.vmm.hypervisor.emulated.timer.TimeBase} per VM (the system counter, CNTFRQ_EL0 =
 * 62.5 MHz on {@code System.nanoTime()} from the VM's INIT; CNTPCT_EL0 = CNTVCT_EL0, CNTVOFF = 0),
 * one {@link org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer} per vCPU with its EL1
 * physical and virtual timers and CNTKCTL_EL1, and one {@link
 * org.gunyah.vmm.hypervisor.emulated.timer.DeadlineScheduler} per VM that raises a timer's output
 * line at its deadline while no instruction runs (the vCPU asleep in WFI, or busy elsewhere).
 *
 * <p>A timer's output is a level ({@link org.gunyah.vmm.hypervisor.emulated.timer.TimerLine}):
 * asserted while ENABLE and not IMASK and the counter has reached CVAL. The resource manager joins
 * the lines to the GIC's PPI inputs (INTID 30 for the physical timer, 27 for the virtual one).
 */
package org.gunyah.vmm.hypervisor.emulated.timer;
