package org.gunyah.vmm.device;

import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;

/**
 * A kind of device, as a device bundle provides it: a Declarative Services component registering
 * this service. VM declarations name it ({@code devices = pl011, virtio-rng}, with options such
 * as {@code virtio-blk file=disk.img}); the VMM makes one {@link Device} per VM that names it.
 * While such a VM runs, replacing the bundle hands each device's state to the new version's
 * device ({@link Device#quiesce}, then {@link #create} with the state).
 */
public interface DeviceModel {
    /** The name declarations use: lower case letters, digits and '-'; unique among the models. */
    String name();

    /** The bytes its registers take on the VM's bus (a virtio-mmio transport: 0x200). */
    long windowSize();

    /** The devicetree node's {@code compatible} (a virtio-mmio transport: {@code virtio,mmio}). */
    String compatible();

    /**
     * Makes the device of one VM. {@code options}: the declaration's {@code key=value} words
     * after the name; EINVAL naming an unknown or malformed one, with nothing made. {@code
     * state}: the predecessor's, when this device replaces one under a running guest; EINVAL for a
     * state this version cannot read (the VMM then keeps the predecessor).
     */
    Device create(DeviceContext context, Map<String, String> options, Optional<DeviceState> state)
            throws GunyahException;
}
