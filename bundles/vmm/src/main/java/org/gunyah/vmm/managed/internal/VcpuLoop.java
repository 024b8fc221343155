package org.gunyah.vmm.managed.internal;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuExit;

/**
 * One vCPU's thread body: {@code GH_VCPU_RUN} until the VM is down, the vcpu function is removed
 * (ENODEV) or the VM is stopping (a kick's EINTR with {@code stopping} set). Exits go to
 * {@link ExitRouter}.
 */
final class VcpuLoop implements Runnable {
    /** What a loop reports to its VM. */
    interface Owner {
        boolean stopping();

        void exited(VcpuLoop loop, String error);
    }

    private final Vcpu vcpu;
    private final ExitRouter router;
    private final Owner owner;

    VcpuLoop(Vcpu vcpu, ExitRouter router, Owner owner) {
        this.vcpu = vcpu;
        this.router = router;
        this.owner = owner;
    }

    Vcpu vcpu() {
        return vcpu;
    }

    @Override
    public void run() {
        String error = null;
        try {
            while (!owner.stopping()) {
                VcpuExit exit;
                try {
                    exit = vcpu.run();
                } catch (GunyahException e) {
                    if (e.errno() == Errno.EINTR) {
                        continue;
                    }
                    if (e.errno() != Errno.ENODEV) {
                        error = "vCPU " + vcpu.id() + ": " + e.getMessage();
                    }
                    return;
                }
                if (exit instanceof VcpuExit.Status) {
                    return;
                }
                router.route(vcpu, exit);
            }
        } catch (RuntimeException e) {
            error = "vCPU " + vcpu.id() + ": " + e;
            throw e;
        } finally {
            owner.exited(this, error);
        }
    }
}
