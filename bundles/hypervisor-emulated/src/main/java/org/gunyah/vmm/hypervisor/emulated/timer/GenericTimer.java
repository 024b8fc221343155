package org.gunyah.vmm.hypervisor.emulated.timer;

/**
 * The generic timer as one vCPU sees it through MRS and MSR, by system-register key (op0:op1:CRn:
 * CRm:op2 as {@code cpu.SystemRegisters} numbers them): the counter and its frequency, the EL1
 * physical and the virtual timer, and CNTKCTL_EL1. There is no EL2 here, so the EL2 and EL02
 * forms, CNTVOFF and CNTHCTL are not registers of the vCPU, nor are the self-synchronised
 * counter views (FEAT_ECV is not advertised): {@link #read} and {@link #write} refuse them, which
 * the CPU makes UNDEFINED.
 *
 * <p>Threads: the vCPU's own thread calls everything but {@link #physicalAsserted} and {@link
 * #virtualAsserted}; the timers' deadlines come from the VM's deadline thread (see {@link
 * TimerChannel}). CNTKCTL_EL1 is the vCPU thread's alone.
 */
public final class GenericTimer {
    // op0:op1:CRn:CRm:op2, written out: case labels need constant expressions.
    public static final int CNTFRQ_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 0;
    public static final int CNTPCT_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 1;
    public static final int CNTVCT_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 2;
    public static final int CNTP_TVAL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 0;
    public static final int CNTP_CTL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 1;
    public static final int CNTP_CVAL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 2 << 3 | 2;
    public static final int CNTV_TVAL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 0;
    public static final int CNTV_CTL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 1;
    public static final int CNTV_CVAL_EL0 = 3 << 14 | 3 << 11 | 14 << 7 | 3 << 3 | 2;
    public static final int CNTKCTL_EL1 = 3 << 14 | 0 << 11 | 14 << 7 | 1 << 3 | 0;

    /** CNTKCTL_EL1: EL0 may read CNTPCT_EL0 (and CNTFRQ_EL0). */
    public static final long EL0PCTEN = 1;
    /** CNTKCTL_EL1: EL0 may read CNTVCT_EL0 (and CNTFRQ_EL0). */
    public static final long EL0VCTEN = 1 << 1;
    /** CNTKCTL_EL1: the event stream; stored only, WFE does not wait here so it has nothing to wake. */
    public static final long EVNTEN = 1 << 2;
    /** CNTKCTL_EL1: EL0 may access the virtual timer's registers. */
    public static final long EL0VTEN = 1 << 8;
    /** CNTKCTL_EL1: EL0 may access the physical timer's registers. */
    public static final long EL0PTEN = 1 << 9;
    /** EL0PCTEN, EL0VCTEN, EVNTEN, EVNTDIR, EVNTI, EL0VTEN, EL0PTEN: what exists without FEAT_ECV. */
    private static final long CNTKCTL_MASK = 0x3ff;

    private final TimeBase time;
    private final TimerChannel physical;
    private final TimerChannel virtual;
    private long cntkctl;

    /**
     * A vCPU's timer on its VM's counter and deadline thread, the physical timer's output on
     * {@code physicalLine} (PPI 30) and the virtual one's on {@code virtualLine} (PPI 27).
     */
    public GenericTimer(TimeBase time, DeadlineScheduler deadlines, TimerLine physicalLine, TimerLine virtualLine) {
        this.time = time;
        this.physical = new TimerChannel(time, deadlines, physicalLine);
        this.virtual = new TimerChannel(time, deadlines, virtualLine);
    }

    /** A timer on a counter of its own whose lines go nowhere: a lone interpreter's. */
    public static GenericTimer unwired() {
        return new GenericTimer(new TimeBase(), DeadlineScheduler.inert(), TimerLine.NONE, TimerLine.NONE);
    }

    /** Whether {@code key} names a register of the generic timer (the timer's page of CRn 14). */
    public static boolean isTimerRegister(int key) {
        return (key >> 7 & 0xf) == 14 && key >> 14 == 3;
    }

    /** The value MRS reads at EL1, or null for a key that is no register here. */
    public Long read(int key) {
        return switch (key) {
            case CNTFRQ_EL0 -> TimeBase.FREQUENCY;
            case CNTPCT_EL0, CNTVCT_EL0 -> time.count();
            case CNTP_TVAL_EL0 -> physical.tval();
            case CNTP_CTL_EL0 -> physical.ctl();
            case CNTP_CVAL_EL0 -> physical.cval();
            case CNTV_TVAL_EL0 -> virtual.tval();
            case CNTV_CTL_EL0 -> virtual.ctl();
            case CNTV_CVAL_EL0 -> virtual.cval();
            case CNTKCTL_EL1 -> cntkctl;
            default -> null;
        };
    }

    /**
     * MSR at EL1; false for a key that is no register here or is read-only: the counters, and
     * CNTFRQ_EL0, which only the highest exception level may write (at EL1 it is UNDEFINED).
     */
    public boolean write(int key, long value) {
        switch (key) {
            case CNTP_TVAL_EL0 -> physical.setTval(value);
            case CNTP_CTL_EL0 -> physical.setCtl(value);
            case CNTP_CVAL_EL0 -> physical.setCval(value);
            case CNTV_TVAL_EL0 -> virtual.setTval(value);
            case CNTV_CTL_EL0 -> virtual.setCtl(value);
            case CNTV_CVAL_EL0 -> virtual.setCval(value);
            case CNTKCTL_EL1 -> cntkctl = value & CNTKCTL_MASK;
            default -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether EL0 may access the timer register {@code key}, as CNTKCTL_EL1 says now; when not,
     * the access traps to EL1 (an exception with EC 0x18). Only what EL0 can name at all: the EL0
     * registers; CNTKCTL_EL1 never.
     */
    public boolean el0MayAccess(int key) {
        return switch (key) {
            case CNTFRQ_EL0 -> (cntkctl & (EL0PCTEN | EL0VCTEN)) != 0;
            case CNTPCT_EL0 -> (cntkctl & EL0PCTEN) != 0;
            case CNTVCT_EL0 -> (cntkctl & EL0VCTEN) != 0;
            case CNTP_TVAL_EL0, CNTP_CTL_EL0, CNTP_CVAL_EL0 -> (cntkctl & EL0PTEN) != 0;
            case CNTV_TVAL_EL0, CNTV_CTL_EL0, CNTV_CVAL_EL0 -> (cntkctl & EL0VTEN) != 0;
            default -> false;
        };
    }

    /** Raises any line whose deadline has passed: the vCPU's check at a slice boundary, cheap. */
    public void poll() {
        physical.poll();
        virtual.poll();
    }

    /** The vCPU powers off or on: both timers disabled, their lines low, CNTKCTL_EL1 cleared. */
    public void reset() {
        physical.reset();
        virtual.reset();
        cntkctl = 0;
    }

    /** The counter this timer runs on. */
    public TimeBase timeBase() {
        return time;
    }

    public boolean physicalAsserted() {
        return physical.asserted();
    }

    public boolean virtualAsserted() {
        return virtual.asserted();
    }
}
