package org.gunyah.vmm.managed.internal;

import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.VmSpec;

/**
 * One VM's boot protocol at work ({@link Boot}): {@link #read} checks the files before anything
 * is created, {@link #load} puts them in RAM once it exists, and at start {@link #devicetree}
 * writes the devicetree the guest gets in x0 (placed above {@link #reserved}).
 */
sealed interface BootPlan permits RawImageBoot, LinuxBoot {
    /** The plan for {@code spec}'s boot: ENOENT for a file that cannot be read, EINVAL for one that cannot boot or fit. */
    static BootPlan read(VmSpec spec) throws GunyahException {
        return switch (spec.boot()) {
            case Boot.RawImage raw -> RawImageBoot.read(spec, raw);
            case Boot.Linux linux -> LinuxBoot.read(spec, linux);
        };
    }

    /** Writes the guest into {@code ram}, the VM's RAM from its base (zero before). */
    void load(MemorySegment ram) throws GunyahException;

    /** Bytes from the start of RAM that {@link #load} wrote or keeps: the devicetree must lie above them. */
    long reserved();

    /** The devicetree of the VM as {@code sources} describe it at start. */
    DtNode devicetree(DevicetreeSources sources) throws GunyahException;
}
