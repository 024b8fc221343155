package org.gunyah.vmm.managed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * A device a device bundle provides, as a VM declares it: the model's name and its options, as in
 * {@code virtio-blk file=disk.img readonly=true}. The model is looked up when the VM is created
 * (ENOENT when no bundle provides it); the options are the model's to check.
 */
public record DeviceSpec(String model, Map<String, String> options) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public DeviceSpec {
        options = Map.copyOf(options);
    }

    /**
     * From a declaration's words: the model's name, then {@code key=value} options. EINVAL for a
     * name that is not lower case letters, digits and '-' (at most 32), a word without '=', or an
     * option given twice.
     */
    public static DeviceSpec parse(List<String> words) throws GunyahException {
        String model = words.getFirst();
        if (!NAME.matcher(model).matches()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "device model '%s' must be a lower case letter followed by up to 31 letters, digits or '-'",
                    model);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (String w : words.subList(1, words.size())) {
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw GunyahException.of(Errno.EINVAL, "device %s: option '%s' is not key=value", model, w);
            }
            if (options.put(w.substring(0, eq), w.substring(eq + 1)) != null) {
                throw GunyahException.of(
                        Errno.EINVAL, "device %s: option %s is given twice", model, w.substring(0, eq));
            }
        }
        return new DeviceSpec(model, options);
    }

    /** The option that names a file (a disk image): relative paths in it resolve as the VM's other files do. */
    public static final String FILE = "file";

    /** This spec with a relative {@value #FILE} option resolved against {@code base}; EINVAL when it is not a path. */
    public DeviceSpec resolveFile(java.nio.file.Path base) throws GunyahException {
        String file = options.get(FILE);
        if (file == null) {
            return this;
        }
        try {
            Map<String, String> resolved = new LinkedHashMap<>(options);
            resolved.put(FILE, base.resolve(file).toAbsolutePath().normalize().toString());
            return new DeviceSpec(model, resolved);
        } catch (java.nio.file.InvalidPathException e) {
            throw GunyahException.of(
                    Errno.EINVAL, "device %s: file '%s' is not a path: %s", model, file, e.getReason());
        }
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(model);
        options.forEach((k, v) -> s.append(' ').append(k).append('=').append(v));
        return s.toString();
    }
}
