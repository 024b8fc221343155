package org.gunyah.vmm.hypervisor.emulated.timer;

import static org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generic timer's registers and output lines, one behaviour per test. */
class GenericTimerTest {
    /** Ticks in a millisecond at 62.5 MHz. */
    static final long MS = TimeBase.FREQUENCY / 1000;

    /** A line as the GIC's PPI input sees it: its level, and the counter when it first rose. */
    static final class Line implements TimerLine {
        final CountDownLatch rose = new CountDownLatch(1);
        final TimeBase time;
        volatile boolean level;
        volatile long countAtRise = -1;
        volatile int changes;

        Line(TimeBase time) {
            this.time = time;
        }

        @Override
        public void set(boolean asserted) {
            level = asserted;
            changes++;
            if (asserted && rose.getCount() > 0) {
                countAtRise = time.count();
                rose.countDown();
            }
        }

        boolean awaitRise() throws InterruptedException {
            return rose.await(5, TimeUnit.SECONDS);
        }
    }

    final TimeBase time = new TimeBase();
    final DeadlineScheduler deadlines = new DeadlineScheduler("timer-test");
    final Line physicalLine = new Line(time);
    final Line virtualLine = new Line(time);
    final GenericTimer timer = new GenericTimer(time, deadlines, physicalLine, virtualLine);

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void theCounterIsMonotonicAndCountsAt62_5MHzOnNanoTime() {
        long before0 = System.nanoTime();
        long c0 = timer.read(CNTVCT_EL0);
        long after0 = System.nanoTime();
        long last = c0;
        long c1;
        long before1;
        do { // a busy wait of some milliseconds, checking every read never goes back
            before1 = System.nanoTime();
            c1 = timer.read(CNTPCT_EL0);
            assertTrue(c1 >= last, "the counter never goes back");
            last = c1;
        } while (before1 - after0 < TimeUnit.MILLISECONDS.toNanos(20));
        long after1 = System.nanoTime();
        // The reads happened inside [before, after]: the ticks between them are bracketed.
        long ticks = c1 - c0;
        assertTrue(ticks >= (before1 - after0) / 16 - 1, "at least 62.5 ticks per microsecond: " + ticks);
        assertTrue(ticks <= (after1 - before0) / 16 + 1, "at most 62.5 ticks per microsecond: " + ticks);
    }

    @Test
    void theVirtualAndPhysicalCountsAreTheSameCounter() {
        long p0 = timer.read(CNTPCT_EL0);
        long v = timer.read(CNTVCT_EL0);
        long p1 = timer.read(CNTPCT_EL0);
        assertTrue(p0 <= v && v <= p1, "CNTVOFF is zero");
    }

    @Test
    void cntfrqReads62_5MHzAndCannotBeWrittenAtEl1() {
        assertEquals(62_500_000L, timer.read(CNTFRQ_EL0));
        assertFalse(timer.write(CNTFRQ_EL0, 1_000_000));
        assertEquals(62_500_000L, timer.read(CNTFRQ_EL0));
    }

    @Test
    void theCountersAreReadOnly() {
        assertFalse(timer.write(CNTPCT_EL0, 0));
        assertFalse(timer.write(CNTVCT_EL0, 0));
    }

    @Test
    void registersOutsideTheTimerOfEl1AreNotHere() {
        int cnthctlEl2 = 3 << 14 | 4 << 11 | 14 << 7 | 1 << 3 | 0;
        int cntvctssEl0 = 3 << 14 | 3 << 11 | 14 << 7 | 0 << 3 | 6;
        assertNull(timer.read(cnthctlEl2));
        assertNull(timer.read(cntvctssEl0));
        assertFalse(timer.write(cnthctlEl2, 0));
    }

    @Test
    void writingTvalSetsCvalToTheCounterPlusItsSignedLow32Bits() {
        long before = time.count();
        timer.write(CNTV_TVAL_EL0, 0x1_0000_1000L); // bit 32 ignored: +0x1000
        long after = time.count();
        long cval = timer.read(CNTV_CVAL_EL0);
        assertTrue(cval >= before + 0x1000 && cval <= after + 0x1000, "CVAL = counter + 0x1000");

        before = time.count();
        timer.write(CNTV_TVAL_EL0, 0xffff_ff00L); // -256
        after = time.count();
        cval = timer.read(CNTV_CVAL_EL0);
        assertTrue(cval >= before - 256 && cval <= after - 256, "a negative TVAL puts CVAL in the past");
    }

    @Test
    void readingTvalGivesCvalMinusTheCounterInItsLow32Bits() {
        long cval = time.count() + 60_000 * MS;
        timer.write(CNTP_CVAL_EL0, cval);
        long before = time.count();
        long tval = timer.read(CNTP_TVAL_EL0);
        long after = time.count();
        assertTrue(tval <= cval - before && tval >= cval - after, "ticks left: " + tval);

        long now = time.count();
        timer.write(CNTP_CVAL_EL0, 0); // long past: negative, as a 32-bit value
        long past = timer.read(CNTP_TVAL_EL0);
        assertEquals(0, past >>> 32, "bits 63:32 are RES0");
        assertTrue((int) past <= -now, "CVAL - counter, negative");
    }

    @Test
    void cvalHoldsAll64Bits() {
        timer.write(CNTP_CVAL_EL0, 0xfedc_ba98_7654_3210L);
        assertEquals(0xfedc_ba98_7654_3210L, timer.read(CNTP_CVAL_EL0));
    }

    @Test
    void ctlKeepsEnableAndImaskOnlyAndIstatusIsReadOnly() {
        timer.write(CNTV_CVAL_EL0, -1L); // never reached: ISTATUS stays clear
        timer.write(CNTV_CTL_EL0, -1L);
        assertEquals(0b011L, timer.read(CNTV_CTL_EL0));
        timer.write(CNTV_CTL_EL0, 0b100);
        assertEquals(0L, timer.read(CNTV_CTL_EL0));
    }

    @Test
    void istatusIsSetWhenEnabledAndTheCounterHasReachedCvalMaskedOrNot() {
        timer.write(CNTV_CVAL_EL0, 0);
        timer.write(CNTV_CTL_EL0, ENABLE_AND_MASKED);
        assertEquals(0b111L, timer.read(CNTV_CTL_EL0));
        timer.write(CNTV_CTL_EL0, 1);
        assertEquals(0b101L, timer.read(CNTV_CTL_EL0));
    }

    @Test
    void istatusIsClearWhileDisabledOrBeforeTheDeadline() {
        timer.write(CNTP_CVAL_EL0, 0);
        timer.write(CNTP_CTL_EL0, 0);
        assertEquals(0L, timer.read(CNTP_CTL_EL0));
        timer.write(CNTP_TVAL_EL0, 60_000 * MS);
        timer.write(CNTP_CTL_EL0, 1);
        assertEquals(1L, timer.read(CNTP_CTL_EL0));
    }

    @Test
    void theLineIsAssertedAtOnceWhenEnabledUnmaskedWithCvalPassed() {
        timer.write(CNTV_CVAL_EL0, 0);
        timer.write(CNTV_CTL_EL0, 1);
        assertTrue(virtualLine.level);
        assertTrue(timer.virtualAsserted());
        assertFalse(physicalLine.level, "each timer has its own line");
    }

    @Test
    void maskingOrDisablingTheTimerDropsItsLine() {
        timer.write(CNTP_CVAL_EL0, 0);
        timer.write(CNTP_CTL_EL0, 1);
        assertTrue(physicalLine.level);
        timer.write(CNTP_CTL_EL0, ENABLE_AND_MASKED);
        assertFalse(physicalLine.level, "IMASK drops the line");
        timer.write(CNTP_CTL_EL0, 1);
        assertTrue(physicalLine.level);
        timer.write(CNTP_CTL_EL0, 0);
        assertFalse(physicalLine.level, "ENABLE clear drops the line");
    }

    @Test
    void movingCvalIntoTheFutureDropsTheLine() {
        timer.write(CNTV_CVAL_EL0, 0);
        timer.write(CNTV_CTL_EL0, 1);
        assertTrue(virtualLine.level);
        timer.write(CNTV_TVAL_EL0, 1000 * MS);
        assertFalse(virtualLine.level, "the guest's handler programs the next deadline");
    }

    @Test
    void theLineIsToldOfChangesOnly() {
        timer.write(CNTV_CVAL_EL0, 0);
        timer.write(CNTV_CTL_EL0, 1);
        timer.write(CNTV_CVAL_EL0, 1); // still passed
        timer.write(CNTV_CTL_EL0, 1);
        assertEquals(1, virtualLine.changes);
    }

    @Test
    void theLineRisesAtTheDeadlineWithNoRegisterAccess() throws InterruptedException {
        timer.write(CNTV_TVAL_EL0, 20 * MS);
        timer.write(CNTV_CTL_EL0, 1);
        long cval = timer.read(CNTV_CVAL_EL0);
        assertTrue(virtualLine.awaitRise(), "the deadline thread raised the line");
        assertTrue(virtualLine.countAtRise >= cval, "not before CVAL: " + virtualLine.countAtRise + " < " + cval);
    }

    @Test
    void aDisabledTimerDoesNotRiseAtItsOldDeadline() throws InterruptedException {
        timer.write(CNTP_TVAL_EL0, 100 * MS);
        timer.write(CNTP_CTL_EL0, 1);
        timer.write(CNTP_CTL_EL0, 0);
        assumeTrue(time.count() < timer.read(CNTP_CVAL_EL0), "the host stalled past the deadline: inconclusive");
        timer.write(CNTV_CVAL_EL0, timer.read(CNTP_CVAL_EL0) + 10 * MS); // later, to know the first one passed
        timer.write(CNTV_CTL_EL0, 1);
        assertTrue(virtualLine.awaitRise());
        assertEquals(0, physicalLine.changes, "cancelled when disabled");
        assertEquals(0L, timer.read(CNTP_CTL_EL0));
    }

    @Test
    void aMaskedTimerShowsIstatusAtItsDeadlineButKeepsItsLineLow() throws InterruptedException {
        timer.write(CNTP_TVAL_EL0, 2 * MS);
        timer.write(CNTP_CTL_EL0, ENABLE_AND_MASKED);
        timer.write(CNTV_TVAL_EL0, 20 * MS);
        timer.write(CNTV_CTL_EL0, 1);
        assertTrue(virtualLine.awaitRise());
        assertEquals(0b111L, timer.read(CNTP_CTL_EL0));
        assertEquals(0, physicalLine.changes);
    }

    @Test
    void reArmingMovesTheDeadline() throws InterruptedException {
        timer.write(CNTV_TVAL_EL0, 60_000 * MS); // a minute: never within this test
        timer.write(CNTV_CTL_EL0, 1);
        timer.write(CNTV_TVAL_EL0, 2 * MS);
        long cval = timer.read(CNTV_CVAL_EL0);
        assertTrue(virtualLine.awaitRise());
        assertTrue(virtualLine.countAtRise >= cval, "the later CVAL is the deadline");
    }

    @Test
    void pollingRaisesADueLineOnTheCallersThread() {
        GenericTimer lone = new GenericTimer(time, DeadlineScheduler.inert(), physicalLine, virtualLine);
        lone.write(CNTV_CVAL_EL0, time.count() + 2 * MS);
        lone.write(CNTV_CTL_EL0, 1);
        assumeTrue(time.count() < lone.read(CNTV_CVAL_EL0), "the host stalled past the deadline: inconclusive");
        assertFalse(virtualLine.level, "not yet");
        while (time.count() <= lone.read(CNTV_CVAL_EL0)) {
            Thread.onSpinWait(); // a busy wait of 2 ms
        }
        assertFalse(virtualLine.level, "no deadline thread here");
        lone.poll();
        assertTrue(virtualLine.level);
    }

    @Test
    void resetDisablesBothTimersAndDropsTheirLines() {
        timer.write(CNTV_CVAL_EL0, 0);
        timer.write(CNTV_CTL_EL0, 1);
        timer.write(CNTKCTL_EL1, EL0VCTEN);
        timer.reset();
        assertFalse(virtualLine.level);
        assertEquals(0L, timer.read(CNTV_CTL_EL0));
        assertEquals(0L, timer.read(CNTKCTL_EL1));
    }

    @Test
    void cntkctlKeepsItsDefinedBits() {
        timer.write(CNTKCTL_EL1, -1L);
        assertEquals(0x3ffL, timer.read(CNTKCTL_EL1));
    }

    @Test
    void el0AccessFollowsCntkctl() {
        timer.write(CNTKCTL_EL1, 0);
        for (int key : new int[] {CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, CNTP_CTL_EL0, CNTV_TVAL_EL0, CNTKCTL_EL1}) {
            assertFalse(timer.el0MayAccess(key), "nothing for EL0 by default: " + key);
        }
        timer.write(CNTKCTL_EL1, EL0VCTEN);
        assertTrue(timer.el0MayAccess(CNTVCT_EL0));
        assertTrue(timer.el0MayAccess(CNTFRQ_EL0), "either counter enable gives CNTFRQ");
        assertFalse(timer.el0MayAccess(CNTPCT_EL0));
        timer.write(CNTKCTL_EL1, EL0PCTEN | EL0PTEN);
        assertTrue(timer.el0MayAccess(CNTPCT_EL0));
        assertTrue(timer.el0MayAccess(CNTP_CVAL_EL0));
        assertFalse(timer.el0MayAccess(CNTV_CTL_EL0));
        timer.write(CNTKCTL_EL1, EL0VTEN);
        assertTrue(timer.el0MayAccess(CNTV_CTL_EL0));
        assertFalse(timer.el0MayAccess(CNTKCTL_EL1), "never an EL0 register");
    }

    static final long ENABLE_AND_MASKED = 0b11;
}
