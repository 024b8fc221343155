package org.gunyah.vmm.soak;

import java.util.List;
import java.util.Locale;

/**
 * What a soak counted. {@code guestWrites} are the doorbell rings the guests made, {@code signals}
 * the rings the VMM saw (through the ioeventfds, or as MMIO exits while one was not bound);
 * {@code interruptsSent} the irqfd signals the VMM made in answer, {@code interruptsTaken} the
 * interrupts the guests' handlers counted. {@code lostSignals} is rings the VMM never saw plus
 * answers no guest took; it, the leaks and the errors must all be 0. {@code problems} says what
 * each error and leak was.
 */
public record SoakResult(
        String backend,
        long cycles,
        int vms,
        long guestWrites,
        long signals,
        long lostSignals,
        long interruptsSent,
        long interruptsTaken,
        long leakedResources,
        long leakedThreads,
        long errors,
        double seconds,
        List<String> problems) {
    public SoakResult {
        problems = List.copyOf(problems);
    }

    /** Nothing lost, leaked or failed. */
    public boolean clean() {
        return lostSignals == 0 && leakedResources == 0 && leakedThreads == 0 && errors == 0;
    }

    /** The one line a soak reports. */
    public String line() {
        return String.format(
                Locale.ROOT,
                "soak: backend=%s cycles=%d vms=%d guest_writes=%d signals=%d lost_signals=%d interrupts_sent=%d "
                        + "interrupts_taken=%d leaked_resources=%d leaked_threads=%d errors=%d seconds=%.1f",
                backend,
                cycles,
                vms,
                guestWrites,
                signals,
                lostSignals,
                interruptsSent,
                interruptsTaken,
                leakedResources,
                leakedThreads,
                errors,
                seconds);
    }
}
