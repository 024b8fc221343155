package org.gunyah.vmm.hypervisor.emulated.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.hypervisor.emulated.timer.DeadlineScheduler;
import org.gunyah.vmm.hypervisor.emulated.timer.GenericTimer;
import org.gunyah.vmm.hypervisor.emulated.timer.TimeBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** MRS and MSR of the generic timer's registers, from guest code. */
class TimerRegistersTest {
    // The assembler knows these by their encodings: CNTFRQ_EL0, CNTVCT_EL0, CNTV_TVAL_EL0, CNTV_CTL_EL0.
    static final String CNTFRQ = "s3_3_c14_c0_0";
    static final String CNTVCT = "s3_3_c14_c0_2";
    static final String CNTV_TVAL = "s3_3_c14_c3_0";
    static final String CNTV_CTL = "s3_3_c14_c3_1";

    final TimeBase time = new TimeBase();
    final DeadlineScheduler deadlines = new DeadlineScheduler("timer-registers-test");
    final CountDownLatch virtualRose = new CountDownLatch(1);
    final GenericTimer timer = new GenericTimer(time, deadlines, level -> {}, level -> {
        if (level) {
            virtualRose.countDown();
        }
    });

    @AfterEach
    void close() {
        deadlines.close();
    }

    A64Cpu cpu(Machine m) {
        A64Cpu cpu = new A64Cpu(0, m.memory, InterruptInterface.NONE, timer);
        cpu.setPc(m.program.entry());
        return cpu;
    }

    @Test
    void cntvctReadsTheVmsCounterNotTheInstructionCount() {
        Machine m = new Machine("""
            mrs x1, %s
            mrs x2, %s
            mrs x3, %s
            hvc #0
            """.formatted(CNTFRQ, CNTVCT, CNTVCT));
        A64Cpu cpu = cpu(m);
        long before = time.count();
        Exit e = cpu.run(100);
        long after = time.count();
        assertInstanceOf(Exit.Hypercall.class, e);
        assertEquals(62_500_000L, cpu.x(1));
        assertTrue(before <= cpu.x(2) && cpu.x(2) <= cpu.x(3) && cpu.x(3) <= after, "the counter, read twice");
    }

    @Test
    void aVcpuAsleepInWfiHasItsTimerLineRaisedAtTheDeadline() throws InterruptedException {
        Machine m = new Machine("""
            mov x0, #62500          // 1 ms
            msr %s, x0
            mov x0, #1              // ENABLE, not IMASK
            msr %s, x0
            wfi
            hvc #0
            """.formatted(CNTV_TVAL, CNTV_CTL));
        A64Cpu cpu = cpu(m);
        assertInstanceOf(Exit.WaitForInterrupt.class, cpu.run(100), "asleep: nothing runs it now");
        long cval = timer.read(GenericTimer.CNTV_CVAL_EL0);
        assertTrue(virtualRose.await(5, TimeUnit.SECONDS), "the line rose with no instruction running");
        assertTrue(time.count() >= cval);
        assertEquals(0b101L, timer.read(GenericTimer.CNTV_CTL_EL0), "ENABLE and ISTATUS");
    }
}
