package org.gunyah.vmm.e2e;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;

/**
 * A version of a device model as a new bundle revision brings it: a fresh model instance, noting
 * for each device it makes whether that device took a predecessor's state.
 */
record ModelVersion(DeviceModel model, List<Boolean> fromState) implements DeviceModel {
    @Override
    public String name() {
        return model.name();
    }

    @Override
    public long windowSize() {
        return model.windowSize();
    }

    @Override
    public String compatible() {
        return model.compatible();
    }

    @Override
    public Device create(DeviceContext context, Map<String, String> options, Optional<DeviceState> state)
            throws GunyahException {
        fromState.add(state.isPresent());
        return model.create(context, options, state);
    }
}
