package org.gunyah.vmm.soak;

import java.time.Duration;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * How long a soak runs: {@code vms} VMs of {@value SoakGuest#VCPUS} vCPUs each, on the backend
 * named {@code hypervisor} (empty: the preferred one), until {@code cycles} function bundles have
 * been replaced or {@code duration} has passed, whichever comes first (0 leaves that bound out; at
 * least one must be set).
 */
public record SoakPlan(int vms, long cycles, Duration duration, String hypervisor) {
    public static final int MAX_VMS = 64;

    /** On the preferred backend. */
    public static SoakPlan of(int vms, long cycles, Duration duration) throws GunyahException {
        return of(vms, cycles, duration, "");
    }

    /** EINVAL for 0 or more than {@value #MAX_VMS} VMs, negative bounds, or no bound at all. */
    public static SoakPlan of(int vms, long cycles, Duration duration, String hypervisor) throws GunyahException {
        if (vms < 1 || vms > MAX_VMS) {
            throw GunyahException.of(Errno.EINVAL, "vms must be 1..%d, not %d", MAX_VMS, vms);
        }
        if (cycles < 0 || duration.isNegative()) {
            throw GunyahException.of(Errno.EINVAL, "cycles and minutes must not be negative");
        }
        if (cycles == 0 && duration.isZero()) {
            throw GunyahException.of(Errno.EINVAL, "give --cycles, --minutes or both");
        }
        return new SoakPlan(vms, cycles, duration, hypervisor);
    }
}
