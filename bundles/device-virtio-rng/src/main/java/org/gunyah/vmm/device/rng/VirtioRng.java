package org.gunyah.vmm.device.rng;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.device.InterruptLine;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.virtio.MmioTransport;
import org.gunyah.vmm.virtio.TransportState;

/**
 * One VM's virtio-rng: the entropy device behind a virtio-mmio transport, its queue's
 * notification an ioeventfd (the guest's kick never leaves the hypervisor as an exit) and its
 * interrupt the VMM's resampled line. Its state for a successor is the transport's alone: the
 * device keeps nothing between requests.
 */
final class VirtioRng implements Device {
    /** The format of the state this version hands over: the transport's, as {@link TransportState} encodes it. */
    static final int STATE_VERSION = 1;

    private final Entropy entropy;
    private final MmioTransport transport;
    private final DeviceContext.Registration doorbell;

    private VirtioRng(Entropy entropy, MmioTransport transport, DeviceContext.Registration doorbell) {
        this.entropy = entropy;
        this.transport = transport;
        this.doorbell = doorbell;
    }

    /** A new device, or one continuing from a predecessor's {@code state}: EINVAL for a state it cannot read. */
    static VirtioRng create(DeviceContext context, Optional<DeviceState> state) throws GunyahException {
        Optional<TransportState> restored = Optional.empty();
        if (state.isPresent()) {
            DeviceState s = state.get();
            if (!s.model().equals(VirtioRngModel.NAME) || s.version() != STATE_VERSION) {
                throw GunyahException.of(
                        Errno.EINVAL, "virtio-rng reads its state version %d, not %s", STATE_VERSION, s);
            }
            restored = Optional.of(TransportState.decode(s.data()));
        }
        Entropy entropy = new Entropy(context.vmName(), context.ram());
        AtomicReference<MmioTransport> made = new AtomicReference<>();
        InterruptLine line = context.interrupt(() -> {
            MmioTransport t = made.get();
            return t != null && t.interruptLevel();
        });
        MmioTransport transport = restored.isPresent()
                ? new MmioTransport(entropy, context.ram(), line, restored.get())
                : new MmioTransport(entropy, context.ram(), line);
        made.set(transport);
        DeviceContext.Registration doorbell;
        try {
            doorbell = context.doorbell(MmioTransport.NOTIFY_OFFSET, 4, OptionalLong.of(0), () -> transport.notify(0));
        } catch (GunyahException | RuntimeException e) {
            entropy.close();
            throw e;
        }
        transport.resume();
        return new VirtioRng(entropy, transport, doorbell);
    }

    @Override
    public MmioDevice registers() {
        return transport;
    }

    @Override
    public DeviceState quiesce() {
        entropy.pause();
        return new DeviceState(
                VirtioRngModel.NAME, STATE_VERSION, transport.snapshot().encode());
    }

    @Override
    public void resume() {
        entropy.unpause();
        transport.notify(0); // a kick that came while paused found the worker idle
    }

    @Override
    public void close() {
        doorbell.close();
        entropy.close();
    }
}
