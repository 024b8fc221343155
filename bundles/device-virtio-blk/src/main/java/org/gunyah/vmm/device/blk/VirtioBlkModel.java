package org.gunyah.vmm.device.blk;

import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.virtio.MmioTransport;
import org.osgi.service.component.annotations.Component;

/**
 * {@code virtio-blk}: a disk image file as the guest's block device (virtio device 2), which
 * Linux's virtio_blk driver shows as /dev/vda. Options: {@code file=<path>} (required; the VM's
 * declaration resolves a relative one, see {@link org.gunyah.vmm.managed.DeviceSpec#FILE}), {@code readonly=true|false} (default false), {@code serial=<at most 20
 * printable ASCII characters>} (what the guest reads as the disk's serial; default the file's
 * name). The file must hold a whole number of 512-byte sectors; its size when the device is made
 * is the disk's capacity.
 */
@Component(service = DeviceModel.class)
public final class VirtioBlkModel implements DeviceModel {
    static final String NAME = "virtio-blk";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public long windowSize() {
        return MmioTransport.WINDOW_SIZE;
    }

    @Override
    public String compatible() {
        return "virtio,mmio";
    }

    /** EINVAL or ENOENT naming the option at fault ({@link Disk#open}), with nothing left open. */
    @Override
    public Device create(DeviceContext context, Map<String, String> options, Optional<DeviceState> state)
            throws GunyahException {
        return VirtioBlk.create(context, Disk.open(options), state);
    }
}
