package org.gunyah.vmm.managed;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;

/**
 * What a managed VM is made of: a unique name, the backend (empty for the preferred one), guest
 * RAM of {@code memorySize} bytes at guest physical {@code ramBase}, how it boots ({@link Boot}: a
 * raw image copied to the start of RAM, where every vCPU begins, or an arm64 Linux kernel); {@code
 * devices} are the device models it has (see {@link Devices}); {@code supervision} is how the VMM
 * watches the running guest and answers its reset ({@link Supervision}); {@code pluggedDevices}
 * are the devices of device bundles it has ({@link DeviceSpec}), after the built-in models.
 */
public record VmSpec(
        String name,
        Optional<String> hypervisor,
        long memorySize,
        long ramBase,
        Boot boot,
        Set<Devices.Model> devices,
        Supervision supervision,
        List<DeviceSpec> pluggedDevices) {
    public static final long DEFAULT_MEMORY = 16L << 20;
    public static final long DEFAULT_RAM_BASE = 0x4000_0000L;
    /** The most RAM one VM may ask for here: guest RAM is host memory allocated at creation. */
    public static final long MAX_MEMORY = 4L << 30;
    /** Room at the end of RAM for the devicetree. */
    public static final long MIN_MEMORY = 2 * MemoryRegion.PAGE_SIZE;

    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,62}");

    public VmSpec {
        hypervisor = hypervisor == null ? Optional.empty() : hypervisor.filter(h -> !h.isBlank());
        boot = boot == null ? Boot.RawImage.NONE : boot;
        devices = devices == null || devices.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(devices));
        supervision = supervision == null ? Supervision.NONE : supervision;
        pluggedDevices = pluggedDevices == null ? List.of() : List.copyOf(pluggedDevices);
    }

    /** A spec without devices of device bundles. */
    public VmSpec(
            String name,
            Optional<String> hypervisor,
            long memorySize,
            long ramBase,
            Boot boot,
            Set<Devices.Model> devices,
            Supervision supervision) {
        this(name, hypervisor, memorySize, ramBase, boot, devices, supervision, List.of());
    }

    /** A spec without {@link Supervision} (neither watchdog nor restart). */
    public VmSpec(
            String name,
            Optional<String> hypervisor,
            long memorySize,
            long ramBase,
            Boot boot,
            Set<Devices.Model> devices) {
        this(name, hypervisor, memorySize, ramBase, boot, devices, Supervision.NONE);
    }

    public static VmSpec of(String name) {
        return new VmSpec(
                name,
                Optional.empty(),
                DEFAULT_MEMORY,
                DEFAULT_RAM_BASE,
                Boot.RawImage.NONE,
                EnumSet.of(Devices.Model.CONSOLE, Devices.Model.EXIT_REGISTER));
    }

    public VmSpec withHypervisor(String name) {
        return new VmSpec(
                this.name, Optional.ofNullable(name), memorySize, ramBase, boot, devices, supervision, pluggedDevices);
    }

    public VmSpec withMemory(long size) {
        return new VmSpec(name, hypervisor, size, ramBase, boot, devices, supervision, pluggedDevices);
    }

    /** Boots the raw image {@code file} (none when null). */
    public VmSpec withImage(Path file) {
        return withBoot(new Boot.RawImage(Optional.ofNullable(file)));
    }

    /**
     * Boots as {@code how} says: a raw image or a Linux kernel. Device models still at the former
     * boot's defaults become the new one's (a Linux VM gets its PL011, {@link Devices#defaults});
     * models chosen with {@link #withDevices} stay.
     */
    public VmSpec withBoot(Boot how) {
        Set<Devices.Model> models = devices.equals(Devices.defaults(boot)) ? Devices.defaults(how) : devices;
        return new VmSpec(name, hypervisor, memorySize, ramBase, how, models, supervision, pluggedDevices);
    }

    public VmSpec withDevices(Set<Devices.Model> models) {
        return new VmSpec(name, hypervisor, memorySize, ramBase, boot, models, supervision, pluggedDevices);
    }

    /** With {@code plugged}, the devices of device bundles, on the bus in this order. */
    public VmSpec withPluggedDevices(List<DeviceSpec> plugged) {
        return new VmSpec(name, hypervisor, memorySize, ramBase, boot, devices, supervision, plugged);
    }

    /** Watched and answered on reset as {@code how} says. */
    public VmSpec withSupervision(Supervision how) {
        return new VmSpec(name, hypervisor, memorySize, ramBase, boot, devices, how, pluggedDevices);
    }

    /** The raw image, when the VM boots one; empty for none and for a Linux boot. */
    public Optional<Path> image() {
        return boot instanceof Boot.RawImage raw ? raw.image() : Optional.empty();
    }

    /**
     * EINVAL for a name that is not a letter followed by up to 62 letters, digits, '.', '_' or
     * '-' (names are typed in consoles and used in thread names), for memory that is not a whole
     * number of pages between {@link #MIN_MEMORY} and {@link #MAX_MEMORY}, or for a RAM base that
     * is not page-aligned; EOVERFLOW when RAM would pass the end of the guest address space.
     */
    public void validate() throws GunyahException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "VM name '%s' must be a letter followed by up to 62 letters, digits, '.', '_' or '-'",
                    name);
        }
        if (memorySize < MIN_MEMORY || memorySize > MAX_MEMORY || memorySize % MemoryRegion.PAGE_SIZE != 0) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "memory %d must be a multiple of %d between %d and %d bytes",
                    memorySize,
                    MemoryRegion.PAGE_SIZE,
                    MIN_MEMORY,
                    MAX_MEMORY);
        }
        if (ramBase % MemoryRegion.PAGE_SIZE != 0) {
            throw GunyahException.of(Errno.EINVAL, "RAM base 0x%x is not page-aligned", ramBase);
        }
        if (Long.compareUnsigned(ramBase + memorySize, ramBase) < 0 && ramBase + memorySize != 0) {
            throw GunyahException.of(
                    Errno.EOVERFLOW, "RAM at 0x%x of %d bytes wraps the address space", ramBase, memorySize);
        }
        supervision.validate();
    }
}
