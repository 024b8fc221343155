package org.gunyah.vmm.managed.internal;

import java.time.Duration;

/**
 * Every bound the VMM puts on a wait, in one place. Each one turns a hang (a vCPU stuck in a
 * backend, a bind that never returns) into a logged failure instead.
 *
 * @param vcpuJoin how long closing a VM waits for its vCPU threads to return; past it the RAM is
 *        leaked rather than freed under a running thread
 * @param restorerEnd how long closing the registry waits for its restore thread to end
 * @param declaredVmEnd how long a declared VM's component, on deactivation, waits for the thread
 *        that launches and watches the VM
 * @param declaredVmWatch each wait of that thread for its guest to go down: a guest may run for
 *        ever, and deactivation ends the wait at once (it closes the VM), so this only bounds one
 *        round of the watch
 */
record Timeouts(Duration vcpuJoin, Duration restorerEnd, Duration declaredVmEnd, Duration declaredVmWatch) {
    static final Timeouts DEFAULT =
            new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofDays(1));
}
