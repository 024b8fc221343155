package org.gunyah.vmm.launcher;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When the interactive console's runtime starts its later bundles (the Web Console's, the remote
 * consoles'): once the console has answered its first command (the console shows its prompt a
 * second time: the first follows its start-up script), or {@code delay} after the console started
 * if nothing is typed by then, whichever comes first, and once. The console is what the user waits
 * for; Jetty, the Web Console and SSHD would otherwise start beside the first command on the same
 * cores.
 */
final class DeferredStart {
    private final Runnable start;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger prompts = new AtomicInteger();

    DeferredStart(Runnable start) {
        this.start = start;
    }

    /** The console's prompt shows ({@code shown} non-null) or is gone (null, a line runs). */
    void prompt(String shown) {
        if (shown != null && prompts.incrementAndGet() >= 2) {
            start();
        }
    }

    /** The console has started: the start comes at the latest after {@code delay}. */
    void consoleStarted(Duration delay) {
        Thread.ofPlatform().daemon().name("gunyah-deferred-start").start(() -> {
            try {
                Thread.sleep(delay);
                start();
            } catch (InterruptedException e) {
                // the runtime is stopping
            }
        });
    }

    void start() {
        if (started.compareAndSet(false, true)) {
            start.run();
        }
    }
}
