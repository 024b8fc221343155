package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.gunyah.vmm.managed.ManagedVm;

/**
 * What a VM's vCPU threads, responders and restores counted, and the errors that ended a vCPU
 * thread or a re-add; the device models count their own. Counting never blocks a vCPU thread.
 */
final class VmCounters {
    private static final Logger LOG = System.getLogger(VmCounters.class.getName());

    final LongAdder doorbellSignals = new LongAdder();
    final LongAdder doorbellExits = new LongAdder();
    final LongAdder interruptsSent = new LongAdder();
    final LongAdder functionsRestored = new LongAdder();
    private final String vmName;
    private final List<String> errors = new ArrayList<>();

    VmCounters(String vmName) {
        this.vmName = vmName;
    }

    /** Keeps {@code error} for {@link ManagedVm#stats()} and logs it. */
    void error(String error) {
        synchronized (errors) {
            errors.add(error);
        }
        LOG.log(Level.WARNING, "VM {0}: {1}", vmName, error);
    }

    ManagedVm.Stats snapshot(ExitRouter router, Console console) {
        synchronized (errors) {
            return new ManagedVm.Stats(
                    router.mmioExits(),
                    console.writes(),
                    router.unhandledExits(),
                    doorbellSignals.sum(),
                    doorbellExits.sum(),
                    interruptsSent.sum(),
                    functionsRestored.sum(),
                    errors);
        }
    }
}
