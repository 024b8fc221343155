package org.gunyah.vmm.hypervisor.emulated.timer;

import java.util.concurrent.Future;

/**
 * One timer of a vCPU (the EL1 physical or the virtual one): its CTL and CVAL, TVAL as a view of
 * them, and its output line, asserted while ENABLE and not IMASK and the counter has reached CVAL.
 * The line falls only through a register write; it rises at the deadline, by the VM's deadline
 * thread or by the vCPU's own {@link #poll}, whichever comes first.
 *
 * <p>Locking: the monitor of this object guards the registers and the line's level, and the line
 * is told of a change under it, so two changes are never delivered out of order.
 */
final class TimerChannel {
    static final long ENABLE = 1;
    static final long IMASK = 1 << 1;
    static final long ISTATUS = 1 << 2;
    /** {@link #dueAt} when no deadline is pending: unsigned, above any count the counter reaches. */
    private static final long NEVER = -1L;

    private final TimeBase time;
    private final DeadlineScheduler deadlines;
    private final TimerLine line;

    // Guarded by this.
    private long ctl;
    private long cval;
    private boolean asserted;
    private Future<?> pending;
    private long pendingFor;

    /**
     * The count at which the line rises, or {@link #NEVER}: read by {@link #poll} without the lock
     * (the vCPU's run loop asks at every slice boundary; taking the lock there is wasted).
     */
    private volatile long dueAt = NEVER;

    TimerChannel(TimeBase time, DeadlineScheduler deadlines, TimerLine line) {
        this.time = time;
        this.deadlines = deadlines;
        this.line = line;
    }

    /** CNTx_CTL_EL0: ENABLE and IMASK as written, ISTATUS = ENABLE and the counter has reached CVAL. */
    synchronized long ctl() {
        boolean met = (ctl & ENABLE) != 0 && Long.compareUnsigned(time.count(), cval) >= 0;
        return ctl | (met ? ISTATUS : 0);
    }

    synchronized long cval() {
        return cval;
    }

    /** CNTx_TVAL_EL0: CVAL - counter, its low 32 bits (bits 63:32 are RES0). */
    synchronized long tval() {
        return (cval - time.count()) & 0xffff_ffffL;
    }

    /** ENABLE and IMASK are written; ISTATUS is read-only and the rest RES0. */
    synchronized void setCtl(long value) {
        ctl = value & (ENABLE | IMASK);
        update();
    }

    synchronized void setCval(long value) {
        cval = value;
        update();
    }

    /** CVAL = counter + the low 32 bits of {@code value}, signed. */
    synchronized void setTval(long value) {
        cval = time.count() + (int) value;
        update();
    }

    /** The level of the output line. */
    synchronized boolean asserted() {
        return asserted;
    }

    /** Raises the line if its deadline has passed; cheap when it has not (the vCPU's slice check). */
    void poll() {
        if (Long.compareUnsigned(time.count(), dueAt) >= 0) {
            synchronized (this) {
                update();
            }
        }
    }

    /** A warm reset (power off or on): disabled, the line low, no deadline. */
    synchronized void reset() {
        ctl = 0;
        cval = 0;
        update();
    }

    /** Recomputes the line from the registers and the counter, and (re)schedules the deadline. */
    private void update() {
        boolean armed = (ctl & (ENABLE | IMASK)) == ENABLE;
        boolean level = armed && Long.compareUnsigned(time.count(), cval) >= 0;
        if (armed && !level) {
            dueAt = cval;
            if (pending == null || pendingFor != cval || pending.isDone()) {
                cancelPending();
                pendingFor = cval;
                pending = deadlines.schedule(this::deadline, time.nanosUntil(cval));
            }
        } else {
            dueAt = NEVER;
            cancelPending();
        }
        if (level != asserted) {
            asserted = level;
            line.set(level);
        }
    }

    /** The deadline thread's check; if it ran early (it may not, but costs nothing) it re-arms. */
    private synchronized void deadline() {
        pending = null;
        update();
    }

    private void cancelPending() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }
}
