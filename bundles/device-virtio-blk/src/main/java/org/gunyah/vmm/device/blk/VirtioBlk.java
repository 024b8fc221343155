package org.gunyah.vmm.device.blk;

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
 * One VM's virtio-blk: the block device behind a virtio-mmio transport, its queue's notification
 * an ioeventfd and its interrupt the VMM's resampled line. Its state for a successor is the
 * transport's alone: every request is finished before the state is taken, and the successor opens
 * the disk itself from its own options.
 */
final class VirtioBlk implements Device {
    /** The format of the state this version hands over: the transport's, as {@link TransportState} encodes it. */
    static final int STATE_VERSION = 1;

    private final BlockDevice device;
    private final MmioTransport transport;
    private final DeviceContext.Registration doorbell;

    private VirtioBlk(BlockDevice device, MmioTransport transport, DeviceContext.Registration doorbell) {
        this.device = device;
        this.transport = transport;
        this.doorbell = doorbell;
    }

    /**
     * A new device on {@code disk}, or one continuing from a predecessor's {@code state}: EINVAL
     * for a state it cannot read. It owns {@code disk} from here, and closes it if it fails.
     */
    static VirtioBlk create(DeviceContext context, Disk disk, Optional<DeviceState> state) throws GunyahException {
        BlockDevice device = new BlockDevice(context.vmName(), context.ram(), disk);
        try {
            Optional<TransportState> restored = Optional.empty();
            if (state.isPresent()) {
                DeviceState s = state.get();
                if (!s.model().equals(VirtioBlkModel.NAME) || s.version() != STATE_VERSION) {
                    throw GunyahException.of(
                            Errno.EINVAL, "virtio-blk reads its state version %d, not %s", STATE_VERSION, s);
                }
                restored = Optional.of(TransportState.decode(s.data()));
            }
            AtomicReference<MmioTransport> made = new AtomicReference<>();
            InterruptLine line = context.interrupt(() -> {
                MmioTransport t = made.get();
                return t != null && t.interruptLevel();
            });
            MmioTransport transport = restored.isPresent()
                    ? new MmioTransport(device, context.ram(), line, restored.get())
                    : new MmioTransport(device, context.ram(), line);
            made.set(transport);
            DeviceContext.Registration doorbell =
                    context.doorbell(MmioTransport.NOTIFY_OFFSET, 4, OptionalLong.of(0), () -> transport.notify(0));
            transport.resume();
            return new VirtioBlk(device, transport, doorbell);
        } catch (GunyahException | RuntimeException e) {
            device.close();
            throw e;
        }
    }

    @Override
    public MmioDevice registers() {
        return transport;
    }

    @Override
    public DeviceState quiesce() {
        device.pause();
        return new DeviceState(
                VirtioBlkModel.NAME, STATE_VERSION, transport.snapshot().encode());
    }

    @Override
    public void resume() {
        device.unpause();
        transport.notify(0); // a kick that came while paused found the worker idle
    }

    @Override
    public void close() {
        doorbell.close();
        device.close();
    }
}
