package org.gunyah.vmm.hypervisor.emulated.timer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A VM's deadline thread: made by the first deadline, gone at close. */
class DeadlineSchedulerTest {
    @Test
    void noThreadUntilTheFirstDeadline() {
        try (DeadlineScheduler d = new DeadlineScheduler("deadline-test-idle")) {
            assertFalse(d.started());
            assertFalse(threadNamed("deadline-test-idle"));
        }
    }

    @Test
    void aDeadlineRunsItsTaskOnTheVmsThread() throws InterruptedException {
        try (DeadlineScheduler d = new DeadlineScheduler("deadline-test-run")) {
            CountDownLatch ran = new CountDownLatch(1);
            String[] on = new String[1];
            d.schedule(
                    () -> {
                        on[0] = Thread.currentThread().getName();
                        ran.countDown();
                    },
                    TimeUnit.MILLISECONDS.toNanos(1));
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            assertTrue("deadline-test-run".equals(on[0]));
        }
    }

    @Test
    void closeEndsTheThreadAndRefusesLaterDeadlines() {
        DeadlineScheduler d = new DeadlineScheduler("deadline-test-close");
        d.schedule(() -> {}, TimeUnit.SECONDS.toNanos(100));
        assertTrue(threadNamed("deadline-test-close"));
        d.close();
        assertFalse(threadNamed("deadline-test-close"), "the thread ended within close");
        assertNull(d.schedule(() -> {}, 0));
        assertFalse(d.started());
    }

    @Test
    void aCountThatIsNeverReachedSchedulesNothing() {
        try (DeadlineScheduler d = new DeadlineScheduler("deadline-test-never")) {
            assertNull(d.schedule(() -> {}, new TimeBase().nanosUntil(-1L)));
            assertFalse(d.started());
        }
    }

    static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }
}
