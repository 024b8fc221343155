package org.gunyah.vmm.hypervisor.emulated.timer;

/**
 * One output line of a timer, as the interrupt controller's PPI input sees it: told each time the
 * level changes. Called with the timer's lock held, from the vCPU's thread (a register write) or
 * from the VM's deadline thread, so it must not block and must not call back into the timer; a
 * level-sensitive input keeps the level it was given.
 */
@FunctionalInterface
public interface TimerLine {
    /** A line that goes nowhere: a vCPU without an interrupt controller (a lone interpreter). */
    TimerLine NONE = asserted -> {};

    void set(boolean asserted);
}
