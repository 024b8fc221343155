package org.gunyah.vmm.device.net;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.Device;
import org.gunyah.vmm.device.DeviceContext;
import org.gunyah.vmm.device.DeviceModel;
import org.gunyah.vmm.device.DeviceState;
import org.gunyah.vmm.virtio.MmioTransport;
import org.osgi.service.component.annotations.Component;

/**
 * {@code virtio-net switch=<name> [mac=<aa:bb:cc:dd:ee:ff>] [tap=<interface>]}: a network card
 * (virtio device 1) plugged into the runtime's virtual switch {@code name}, made when a first card
 * plugs into it; the VMs whose cards share a switch share an Ethernet segment, and with {@code
 * tap} the switch is connected to that host TAP interface, so the segment reaches the host. Without {@code mac}, the card's
 * address is locally administered and derived from the VM's name and the switch's (the second card
 * of a VM on one switch gets the next derived address), so it is the same at every start; a
 * successor after a replacement keeps its predecessor's.
 */
@Component(service = DeviceModel.class)
public final class VirtioNetModel implements DeviceModel {
    static final String NAME = "virtio-net";

    private static final Pattern SWITCH_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Switches switches;

    public VirtioNetModel() {
        this(Switches.BUNDLE);
    }

    VirtioNetModel(Switches switches) {
        this.switches = switches;
    }

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
        return VirtioNet.create(context, options(options), state, switches);
    }

    static VirtioNet.Options options(Map<String, String> options) throws GunyahException {
        for (String key : options.keySet()) {
            if (!key.equals("switch") && !key.equals("mac") && !key.equals("tap")) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "virtio-net takes switch=<name>, mac=<aa:bb:cc:dd:ee:ff> and tap=<host interface>, not '%s'",
                        key);
            }
        }
        String name = options.get("switch");
        if (name == null) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net needs switch=<name>: the virtual switch it plugs into");
        }
        if (!SWITCH_NAME.matcher(name).matches()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "virtio-net switch=%s: a switch's name is 1 to 64 letters, digits, '.', '_' or '-'",
                    name);
        }
        String mac = options.get("mac");
        String tap = options.get("tap");
        if (tap != null && (!HostTap.NAME.matcher(tap).matches() || tap.equals(".") || tap.equals(".."))) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "virtio-net tap=%s: an interface name is 1 to 15 letters, digits, '.', '_' or '-'",
                    tap);
        }
        return new VirtioNet.Options(
                name, mac == null ? Optional.empty() : Optional.of(Mac.parse(mac)), Optional.ofNullable(tap));
    }
}
