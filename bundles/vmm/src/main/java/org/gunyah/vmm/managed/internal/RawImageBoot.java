package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.managed.Boot;
import org.gunyah.vmm.managed.VmSpec;

/** The raw image protocol: the file's bytes at the start of RAM, where every vCPU begins; the project's devicetree. */
record RawImageBoot(byte[] image) implements BootPlan {
    /** The image's bytes; EINVAL when it leaves no page of RAM for the devicetree, ENOENT when it cannot be read. */
    static RawImageBoot read(VmSpec spec, Boot.RawImage raw) throws GunyahException {
        byte[] image = readFile(spec, raw);
        if (image.length > spec.memorySize() - MemoryRegion.PAGE_SIZE) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "image of %d bytes does not fit in %d bytes of RAM with a devicetree page",
                    image.length,
                    spec.memorySize());
        }
        return new RawImageBoot(image);
    }

    private static byte[] readFile(VmSpec spec, Boot.RawImage raw) throws GunyahException {
        if (raw.image().isEmpty()) {
            return new byte[0];
        }
        try {
            long size = Files.size(raw.image().get());
            if (size > spec.memorySize()) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "image %s of %d bytes is larger than RAM (%d bytes)",
                        raw.image().get(),
                        size,
                        spec.memorySize());
            }
            return Files.readAllBytes(raw.image().get());
        } catch (IOException e) {
            throw GunyahException.of(
                    Errno.ENOENT, "cannot read image %s: %s", raw.image().get(), e.getMessage());
        }
    }

    @Override
    public void load(MemorySegment ram) {
        MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
    }

    @Override
    public long reserved() {
        return image.length;
    }

    @Override
    public DtNode devicetree(DevicetreeSources sources) throws GunyahException {
        return GuestDevicetree.of(sources);
    }
}
