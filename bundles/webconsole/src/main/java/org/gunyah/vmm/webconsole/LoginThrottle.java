package org.gunyah.vmm.webconsole;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What keeps password guessing from taking the machine from the guests: each check of a password
 * not seen before costs a PBKDF2 hash (600,000 iterations, 0.2-0.8 s of a core), so it is let
 * through only when
 *
 * <ul>
 *   <li>its client (the remote address) is not backing off: after {@value #FREE_FAILURES} failed
 *       checks in a row, each further failure makes the client wait {@link #FIRST_BACKOFF}, then
 *       twice as long each time, up to {@link #MAX_BACKOFF}; a success forgets its failures;
 *   <li>fewer than {@value #CONCURRENT_CHECKS} checks run at once, whoever asks: at most one core
 *       hashes for the Web Console, however many clients guess in parallel.
 * </ul>
 *
 * A refused attempt costs nothing (the caller answers 429 with {@code Retry-After}, no hash). The
 * table of clients holds at most {@code maxClients}, the least recently seen forgotten first, so
 * that a flood of addresses cannot exhaust memory. Guarded by its own monitor; nothing waits.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    static final int CONCURRENT_CHECKS = 1;
    static final int MAX_CLIENTS = 4096;

    /** Whether a check may run now. */
    sealed interface Admission permits Attempt, Refused {}

    /** Not now: try again after {@code retryAfter}. */
    record Refused(Duration retryAfter) implements Admission {}

    /** A check let through: report its outcome once ({@link #succeeded} or {@link #failed}). */
    final class Attempt implements Admission {
        private final String client;
        private boolean reported;

        private Attempt(String client) {
            this.client = client;
        }

        void succeeded() {
            report(this, true);
        }

        void failed() {
            report(this, false);
        }
    }

    private static final class Client {
        int failures;
        long until;
    }

    private final LongSupplier nanoClock;
    private final int maxClients;
    private final Map<String, Client> clients;
    private int checking;

    LoginThrottle() {
        this(System::nanoTime, MAX_CLIENTS);
    }

    LoginThrottle(LongSupplier nanoClock, int maxClients) {
        this.nanoClock = nanoClock;
        this.maxClients = maxClients;
        this.clients = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Client> eldest) {
                return size() > LoginThrottle.this.maxClients;
            }
        };
    }

    /** An {@link Attempt} for {@code client}, or how long it must wait. */
    synchronized Admission admit(String client) {
        Client c = clients.get(client);
        long now = nanoClock.getAsLong();
        if (c != null && now - c.until < 0) {
            return new Refused(Duration.ofNanos(c.until - now));
        }
        if (checking >= CONCURRENT_CHECKS) {
            return new Refused(FIRST_BACKOFF);
        }
        checking++;
        return new Attempt(client);
    }

    private synchronized void report(Attempt attempt, boolean success) {
        if (attempt.reported) {
            return;
        }
        attempt.reported = true;
        checking--;
        if (success) {
            clients.remove(attempt.client);
            return;
        }
        Client c = clients.computeIfAbsent(attempt.client, k -> new Client());
        c.failures++;
        if (c.failures > FREE_FAILURES) {
            int doublings = Math.min(c.failures - FREE_FAILURES - 1, 30);
            long backoff = Math.min(FIRST_BACKOFF.toNanos() << doublings, MAX_BACKOFF.toNanos());
            c.until = nanoClock.getAsLong() + backoff;
        }
    }

    /** The clients the table remembers now. */
    synchronized int clients() {
        return clients.size();
    }
}
