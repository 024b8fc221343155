package org.gunyah.vmm.internal.manager;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The framework's settings, read once from its configuration and handed to the classes that need
 * them; immutable. The defaults are today's values and the constants the configuration's
 * attribute definitions default to.
 *
 * @param functionsDir the function repository folder, whose jars are installed unstarted and
 *        started on first use; empty when there is none
 * @param functionsWatched true when a folder watcher (FileInstall in the runtime) installs the
 *        folder's jars: the framework then installs none itself, and a deploy copies into the
 *        folder and waits for the watcher
 * @param loadTimeout how long a first use ({@code request_module}) or a deploy waits for a function
 *        bundle's service, and for the watcher
 * @param rmTimeout how long teardown waits for each of the hypervisor's stop and reset
 *        notifications before going on
 * @param callTimeout how long an add or remove waits for another function call on the same VM
 *        (a bind that blocks) before giving up with EBUSY
 */
public record FrameworkSettings(
        Optional<Path> functionsDir,
        boolean functionsWatched,
        Duration loadTimeout,
        Duration rmTimeout,
        Duration callTimeout) {
    public static final long DEFAULT_LOAD_TIMEOUT_MS = 5000;
    public static final long DEFAULT_RM_TIMEOUT_MS = 5000;
    public static final long DEFAULT_CALL_TIMEOUT_MS = 5000;

    public static final FrameworkSettings DEFAULTS = new FrameworkSettings(
            Optional.empty(),
            false,
            Duration.ofMillis(DEFAULT_LOAD_TIMEOUT_MS),
            Duration.ofMillis(DEFAULT_RM_TIMEOUT_MS),
            Duration.ofMillis(DEFAULT_CALL_TIMEOUT_MS));

    public FrameworkSettings {
        Objects.requireNonNull(functionsDir, "functionsDir");
        functionsDir = functionsDir.map(p -> p.toAbsolutePath().normalize());
        requireNonNegative(loadTimeout, "loadTimeout");
        requireNonNegative(rmTimeout, "rmTimeout");
        requireNonNegative(callTimeout, "callTimeout");
    }

    private static void requireNonNegative(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative()) {
            throw new IllegalArgumentException(name + " is negative: " + d);
        }
    }

    public FrameworkSettings withRmTimeout(Duration timeout) {
        return new FrameworkSettings(functionsDir, functionsWatched, loadTimeout, timeout, callTimeout);
    }

    public FrameworkSettings withCallTimeout(Duration timeout) {
        return new FrameworkSettings(functionsDir, functionsWatched, loadTimeout, rmTimeout, timeout);
    }
}
