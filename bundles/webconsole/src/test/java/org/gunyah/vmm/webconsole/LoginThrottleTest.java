package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final LoginThrottle throttle = new LoginThrottle(now::get, 100);

    private LoginThrottle.Attempt attempt(String client) {
        return assertInstanceOf(LoginThrottle.Attempt.class, throttle.admit(client));
    }

    private Duration refusal(String client) {
        return assertInstanceOf(LoginThrottle.Refused.class, throttle.admit(client))
                .retryAfter();
    }

    private void fail(String client, int times) {
        for (int i = 0; i < times; i++) {
            attempt(client).failed();
        }
    }

    private void pass(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aClientMayFailAFewTimesBeforeItBacksOff() {
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES);
        attempt("10.0.0.1").failed();

        assertEquals(LoginThrottle.FIRST_BACKOFF, refusal("10.0.0.1"));
    }

    @Test
    void eachFurtherFailureDoublesTheBackoffUpToItsCap() {
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES);
        Duration expected = LoginThrottle.FIRST_BACKOFF;
        for (int i = 0; i < 10; i++) {
            attempt("10.0.0.1").failed();
            assertEquals(expected, refusal("10.0.0.1"));
            pass(expected);
            expected = expected.multipliedBy(2).compareTo(LoginThrottle.MAX_BACKOFF) > 0
                    ? LoginThrottle.MAX_BACKOFF
                    : expected.multipliedBy(2);
        }
        assertEquals(LoginThrottle.MAX_BACKOFF, expected);
    }

    @Test
    void aBackingOffClientIsLetThroughOnceItsTimeIsUp() {
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES + 1);

        pass(LoginThrottle.FIRST_BACKOFF);

        attempt("10.0.0.1").succeeded();
    }

    @Test
    void aSuccessForgetsTheClientsFailures() {
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES);
        attempt("10.0.0.1").succeeded();

        fail("10.0.0.1", LoginThrottle.FREE_FAILURES);

        attempt("10.0.0.1").failed(); // not refused: the count began again
    }

    @Test
    void anotherClientIsNotHeldUpByOneThatBacksOff() {
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES + 1);

        attempt("10.0.0.2").succeeded();
    }

    @Test
    void onlyOneCheckRunsAtOnceWhoeverAsks() {
        LoginThrottle.Attempt first = attempt("10.0.0.1");

        assertEquals(LoginThrottle.FIRST_BACKOFF, refusal("10.0.0.2"));
        first.failed();
        attempt("10.0.0.2").failed();
    }

    @Test
    void anOutcomeReportedTwiceCountsOnce() {
        LoginThrottle.Attempt a = attempt("10.0.0.1");
        a.failed();
        a.failed();
        fail("10.0.0.1", LoginThrottle.FREE_FAILURES - 1);

        attempt("10.0.0.1").failed(); // counted twice, the first would have made this one wait
        refusal("10.0.0.1");
    }

    @Test
    void aFloodOfAddressesKeepsTheTableBounded() {
        for (int i = 0; i < 10_000; i++) {
            attempt("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255))
                    .failed();
        }

        assertEquals(100, throttle.clients());
    }
}
