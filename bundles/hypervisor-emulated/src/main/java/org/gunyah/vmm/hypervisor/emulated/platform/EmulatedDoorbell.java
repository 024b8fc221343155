package org.gunyah.vmm.hypervisor.emulated.platform;

import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;

/**
 * A Gunyah doorbell (BELL_TX from the host's side) wired to a GIC SPI of the guest. Until
 * {@code setMask} is called it is an edge source: every send is an edge. After
 * {@code setMask(enable, ack)} it is a level source: the line is asserted while
 * {@code flags & enable} is non-zero, and the guest's EOI clears {@code ack} from the flags, which
 * is the kernel irqfd's LEVEL mode with (1, 1). Each such EOI is told to the
 * {@link #onAcknowledge} listeners once the GIC's lock is released (they may send again).
 */
public final class EmulatedDoorbell implements HypervisorDoorbell {
    private final int label;
    private final long capId;
    private final int intid;
    private final Gicv3 gic;
    private final VmRunState runState;

    private boolean level;
    private long flags;
    private long enableMask = -1L;
    private long ackMask = -1L;
    /** Read at each EOI of the level interrupt without the doorbell's lock: copy-on-write. */
    private final CopyOnWriteArrayList<Runnable> ackListeners = new CopyOnWriteArrayList<>();

    public EmulatedDoorbell(int label, long capId, int intid, Gicv3 gic, VmRunState runState) {
        this.label = label;
        this.capId = capId;
        this.intid = intid;
        this.gic = gic;
        this.runState = runState;
    }

    @Override
    public ResourceType type() {
        return ResourceType.BELL_TX;
    }

    @Override
    public int label() {
        return label;
    }

    @Override
    public long capId() {
        return capId;
    }

    @Override
    public int virq() {
        return intid;
    }

    @Override
    public void send(long newFlags) throws GunyahException {
        if (!runState.isRunning()) {
            throw GunyahException.of(Errno.ENODEV, "doorbell %d (cap 0x%x): VM is not running", label, capId);
        }
        boolean assertLine;
        boolean isLevel;
        synchronized (gic) {
            flags |= newFlags;
            assertLine = (flags & enableMask) != 0;
            isLevel = level;
        }
        if (!isLevel) {
            if (newFlags != 0) {
                gic.raiseEdge(intid);
            }
        } else if (assertLine) {
            gic.setLevel(intid, true);
        }
    }

    @Override
    public void setMask(long enable, long ack) throws GunyahException {
        synchronized (gic) {
            enableMask = enable;
            ackMask = ack;
            if (!level) {
                level = true;
                gic.configureLevel(intid, id -> {
                    flags &= ~ackMask;
                    if (!ackListeners.isEmpty()) {
                        gic.afterChange(this::acknowledged);
                    }
                    return (flags & enableMask) != 0;
                });
            }
        }
    }

    /** Runs in the EOI's vCPU thread, after the GIC let go of its lock. */
    private void acknowledged() {
        for (Runnable listener : ackListeners) {
            listener.run();
        }
    }

    /** The guest's EOI of the level interrupt is seen here, in the GIC: always offered. */
    @Override
    public Optional<Registration> onAcknowledge(Runnable listener) {
        Runnable own = listener::run; // its own identity: the same listener twice is removed once each
        ackListeners.add(own);
        return Optional.of(() -> ackListeners.remove(own));
    }

    /** The doorbell's flags, for tests. */
    public long flags() {
        synchronized (gic) {
            return flags;
        }
    }
}
