package org.gunyah.vmm.hypervisor.emulated.cpu;

/**
 * The EL1 system registers that hold state without acting on it yet: translation (the MMU that
 * uses them comes with the Linux platform), context, access control, fault syndromes, and the
 * self-hosted debug registers, which keep what is written but never trigger (no breakpoint or
 * watchpoint fires here, as the Linux issue allows).
 */
final class El1Registers {
    long tcr;
    long mair;
    long amair;
    long ttbr0;
    long ttbr1;
    long contextidr;
    long cpacr;
    long par;
    long afsr0;
    long afsr1;
    long actlr;
    long csselr;
    long tpidrro;
    long mdscr;
    long mdccint;
    long osdlr;
    /** The OS lock is set out of reset, as on hardware. */
    boolean osLock = true;

    final long[] dbgbcr = new long[IdRegisters.BREAKPOINTS];
    final long[] dbgbvr = new long[IdRegisters.BREAKPOINTS];
    final long[] dbgwcr = new long[IdRegisters.WATCHPOINTS];
    final long[] dbgwvr = new long[IdRegisters.WATCHPOINTS];
}
