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
    /**
     * CPACR_EL1; FPEN (bits 21:20) resets to "no trap" here (its architectural reset value is
     * UNKNOWN; Linux sets it), so guests that never write it can use FP and AdvSIMD.
     */
    long cpacr = 3L << 20;

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

    /** CPACR_EL1.FPEN: 01 traps EL0 only, 11 nothing, 00 and 10 both ELs. */
    boolean fpEnabledAt(int el) {
        int fpen = (int) (cpacr >>> 20) & 3;
        return fpen == 3 || (fpen == 1 && el == 1);
    }

    final long[] dbgbcr = new long[IdRegisters.BREAKPOINTS];
    final long[] dbgbvr = new long[IdRegisters.BREAKPOINTS];
    final long[] dbgwcr = new long[IdRegisters.WATCHPOINTS];
    final long[] dbgwvr = new long[IdRegisters.WATCHPOINTS];
}
