package org.gunyah.vmm.device;

import java.util.Arrays;

/**
 * What a device hands to its successor when its bundle is replaced under a running guest: the
 * model's name, the version of the format of {@code data}, and the bytes. A model reads every
 * version it has ever written (a newer bundle reads an older one's state) and refuses a newer
 * one it does not know with EINVAL, so that the VMM can keep the old device instead.
 */
public record DeviceState(String model, int version, byte[] data) {
    public DeviceState {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceState s
                && s.model.equals(model)
                && s.version == version
                && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return model.hashCode() * 31 * 31 + version * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "DeviceState[" + model + " v" + version + ", " + data.length + " bytes]";
    }
}
