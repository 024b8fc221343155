package org.gunyah.vmm.launcher;

import java.util.logging.LogManager;

/**
 * The runtime's java.util.logging manager ({@code -Djava.util.logging.manager}, set by {@code
 * bin/gunyah}): the JDK's own resets logging from a shutdown hook of its own, racing the launcher's
 * hook that stops the framework, so what the VMs and bundles log while SIGTERM tears them down (a
 * guest's "the guest is down" line among them) was lost. This one ignores that reset; the launcher
 * calls {@link #resetAfterStop} once the framework has stopped.
 */
public final class RuntimeLogManager extends LogManager {
    private static final String JDK_CLEANER = "java.util.logging.LogManager$Cleaner";

    @Override
    public void reset() {
        if (!Thread.currentThread().getClass().getName().equals(JDK_CLEANER)) {
            super.reset();
        }
    }

    private void resetNow() {
        super.reset();
    }

    /** Flushes and closes every handler: the last thing the launcher's shutdown hook does. */
    static void resetAfterStop() {
        if (LogManager.getLogManager() instanceof RuntimeLogManager manager) {
            manager.resetNow();
        }
    }
}
