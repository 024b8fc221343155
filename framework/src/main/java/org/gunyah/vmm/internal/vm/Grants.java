package org.gunyah.vmm.internal.vm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuPosition;
import org.gunyah.vmm.spi.DoorbellResource;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;
import org.gunyah.vmm.spi.hypervisor.HypervisorResource;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;

/**
 * A hypervisor resource as handed to one ticket. Revoked when the ticket gives it back, after
 * which every call fails with ENODEV. The kernel's vCPU function, when its IRQ request failed,
 * refused the resource but kept a pointer to it, which could then be freed under it; a revoked
 * grant cannot be used.
 */
sealed interface Grants {

    HypervisorResource raw();

    void revoke();

    static Resource grant(HypervisorResource raw) {
        return switch (raw) {
            case HypervisorVcpu v -> new Vcpu(v);
            case HypervisorDoorbell d -> new Doorbell(d);
        };
    }

    /** Shared revocation state. */
    abstract sealed class Base implements Grants permits Vcpu, Doorbell {
        private volatile boolean revoked;

        @Override
        public void revoke() {
            revoked = true;
        }

        void checkLive() throws GunyahException {
            if (revoked) {
                throw GunyahException.of(
                        Errno.ENODEV,
                        "%s resource %d (cap 0x%x) was taken back",
                        raw().type(),
                        raw().label(),
                        raw().capId());
            }
        }

        boolean revoked() {
            return revoked;
        }

        public ResourceType type() {
            return raw().type();
        }

        public int label() {
            return raw().label();
        }

        public long capId() {
            return raw().capId();
        }

        @Override
        public String toString() {
            return raw().type() + "#" + raw().label() + (revoked ? " (revoked)" : "");
        }
    }

    final class Vcpu extends Base implements VcpuResource {
        private final HypervisorVcpu raw;

        Vcpu(HypervisorVcpu raw) {
            this.raw = raw;
        }

        @Override
        public HypervisorVcpu raw() {
            return raw;
        }

        @Override
        public VcpuRunResult run() throws GunyahException {
            checkLive();
            return raw.run();
        }

        @Override
        public void resumeMmioRead(long value) throws GunyahException {
            checkLive();
            raw.resumeMmioRead(value);
        }

        @Override
        public void setWakeupListener(Runnable listener) {
            if (!revoked()) {
                raw.setWakeupListener(listener);
            }
        }

        @Override
        public void kick() {
            raw.kick();
        }

        @Override
        public Optional<VcpuPosition> position() {
            return revoked() ? Optional.empty() : raw.position();
        }

        @Override
        public void revoke() {
            super.revoke();
            raw.setWakeupListener(null);
            raw.kick();
        }
    }

    final class Doorbell extends Base implements DoorbellResource {
        private final HypervisorDoorbell raw;
        private final List<Registration> bindings = new ArrayList<>();

        Doorbell(HypervisorDoorbell raw) {
            this.raw = raw;
        }

        @Override
        public HypervisorDoorbell raw() {
            return raw;
        }

        @Override
        public void send(long flags) throws GunyahException {
            checkLive();
            raw.send(flags);
        }

        @Override
        public void setMask(long enableMask, long ackMask) throws GunyahException {
            checkLive();
            raw.setMask(enableMask, ackMask);
        }

        /** The platform's binding, ended by its own close or, at the latest, by the revocation. */
        @Override
        public Optional<Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample)
                throws GunyahException {
            synchronized (bindings) {
                checkLive();
                return track(raw.bindEventFd(source, level, resample));
            }
        }

        /** The platform's subscription, ended by its own close or, at the latest, by the revocation. */
        @Override
        public Optional<Registration> onAcknowledge(Runnable listener) throws GunyahException {
            synchronized (bindings) {
                checkLive();
                return track(raw.onAcknowledge(listener));
            }
        }

        /** Under {@code bindings}. */
        private Optional<Registration> track(Optional<Registration> bound) {
            if (bound.isEmpty()) {
                return bound;
            }
            Registration inner = bound.get();
            bindings.add(inner);
            return Optional.of(() -> {
                synchronized (bindings) {
                    bindings.remove(inner);
                }
                inner.close();
            });
        }

        @Override
        public void revoke() {
            List<Registration> left;
            synchronized (bindings) {
                super.revoke();
                left = List.copyOf(bindings);
                bindings.clear();
            }
            left.forEach(Registration::close);
        }
    }
}
