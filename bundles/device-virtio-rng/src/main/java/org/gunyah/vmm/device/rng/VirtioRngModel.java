package org.gunyah.vmm.device.rng;

import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.virtio.MmioTransport;
import org.osgi.service.component.annotations.Component;

/**
 * {@code virtio-rng}: an entropy source for the guest (virtio device 4), which Linux's virtio-rng
 * driver feeds its hw_random core and early entropy from. It takes no options; its bytes come
 * from the host's {@link java.security.SecureRandom}.
 */
@Component(service = DeviceModel.class)
public final class VirtioRngModel implements DeviceModel {
    static final String NAME = "virtio-rng";

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

    @Override
    public Device create(DeviceContext context, Map<String, String> options, Optional<DeviceState> state)
            throws GunyahException {
        if (!options.isEmpty()) {
            throw GunyahException.of(Errno.EINVAL, "virtio-rng takes no options, not %s", options.keySet());
        }
        return VirtioRng.create(context, state);
    }
}
