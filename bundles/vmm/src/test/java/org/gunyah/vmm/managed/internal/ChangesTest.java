package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ChangesTest {
    private final Changes changes = new Changes();

    private CompletableFuture<Boolean> waiter(AtomicBoolean condition, Duration timeout) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                result.complete(changes.await(condition::get, timeout));
            } catch (InterruptedException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @Test
    void aSignalWakesAWaiterLongBeforeItsBound() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        CompletableFuture<Boolean> waiter = waiter(ready, Duration.ofMinutes(10));

        ready.set(true);
        changes.signal();

        assertTrue(waiter.get(10, TimeUnit.SECONDS));
    }

    @Test
    void signalsFromManyThreadsAtOnceNeverFail() throws Exception {
        java.util.List<CompletableFuture<Void>> signallers = new java.util.ArrayList<>();
        for (int t = 0; t < 4; t++) {
            signallers.add(CompletableFuture.runAsync(
                    () -> {
                        for (int i = 0; i < 50_000; i++) {
                            changes.signal();
                        }
                    },
                    r -> Thread.ofPlatform().start(r)));
        }

        for (CompletableFuture<Void> s : signallers) {
            s.get(30, TimeUnit.SECONDS); // an arrival at a phase mid-advance would throw here
        }
    }

    @Test
    void aConditionAlreadyTrueReturnsAtOnce() throws InterruptedException {
        assertTrue(changes.await(() -> true, Duration.ZERO));
    }

    @Test
    void aWaitWhoseConditionNeverHoldsEndsAtItsBound() throws InterruptedException {
        assertFalse(changes.await(() -> false, Duration.ofMillis(20)));
    }

    @Test
    void signalsThatDoNotMakeTheConditionTrueKeepTheWaiterWaiting() throws Exception {
        AtomicBoolean ready = new AtomicBoolean();
        CompletableFuture<Boolean> waiter = waiter(ready, Duration.ofMinutes(10));

        for (int i = 0; i < 100; i++) {
            changes.signal();
        }
        assertFalse(waiter.isDone());
        ready.set(true);
        changes.signal();

        assertTrue(waiter.get(10, TimeUnit.SECONDS));
    }
}
