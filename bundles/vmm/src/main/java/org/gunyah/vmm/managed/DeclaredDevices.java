package org.gunyah.vmm.managed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * A list of devices as users write it, in a declaration's {@code devices} or a console's {@code
 * --devices}: entries such as {@code pl011} (a built-in model, no options) or {@code virtio-blk
 * file=disk.img readonly=true} (a device bundle's model and its options).
 */
public record DeclaredDevices(Set<Devices.Model> builtIn, List<DeviceSpec> plugged) {
    public DeclaredDevices {
        builtIn = Set.copyOf(builtIn);
        plugged = List.copyOf(plugged);
    }

    /**
     * Parses {@code entries} (one device each; blank ones skipped); a relative {@code file=}
     * resolves against {@code home}. EINVAL for options on a built-in model and for what {@link
     * DeviceSpec#parse} refuses.
     */
    public static DeclaredDevices parse(List<String> entries, Path home) throws GunyahException {
        Set<Devices.Model> models = EnumSet.noneOf(Devices.Model.class);
        List<DeviceSpec> plugged = new ArrayList<>();
        for (String entry : entries) {
            List<String> words = Arrays.stream(entry.strip().split("\\s+"))
                    .filter(w -> !w.isEmpty())
                    .toList();
            if (words.isEmpty()) {
                continue;
            }
            Optional<Devices.Model> model = Devices.Model.find(words.getFirst());
            if (model.isEmpty()) {
                plugged.add(DeviceSpec.parse(words).resolveFile(home));
            } else if (words.size() > 1) {
                throw GunyahException.of(Errno.EINVAL, "device %s takes no options: '%s'", words.getFirst(), entry);
            } else {
                models.add(model.get());
            }
        }
        return new DeclaredDevices(models, plugged);
    }

    /** {@code list} split at its commas, as a console option gives it: {@code "virtio-rng, virtio-blk file=d.img"}. */
    public static DeclaredDevices parse(String list, Path home) throws GunyahException {
        return parse(Arrays.asList(list.split(",")), home);
    }
}
