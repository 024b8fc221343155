package org.gunyah.vmm.managed.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.managed.VmSpec;

/**
 * A VM's guest RAM: host memory of the spec's size at guest physical {@code ramBase}, with the raw
 * image copied to its start. Its owner decides when reads and writes are allowed, and frees it
 * only once no vCPU thread can touch it.
 */
final class GuestMemory implements AutoCloseable {
    private final VmSpec spec;
    private final Arena arena;
    private final MemorySegment ram;
    private final long imageSize;

    private GuestMemory(VmSpec spec, Arena arena, MemorySegment ram, long imageSize) {
        this.spec = spec;
        this.arena = arena;
        this.ram = ram;
        this.imageSize = imageSize;
    }

    /** Allocates RAM with {@code image} (see {@link #readImage}) in place and gives it to {@code vm}; nothing is left on failure. */
    static GuestMemory load(VmSpec spec, byte[] image, Vm vm) throws GunyahException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment ram = arena.allocate(spec.memorySize(), MemoryRegion.PAGE_SIZE);
            MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
            vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, spec.ramBase(), ram));
            return new GuestMemory(spec, arena, ram, image.length);
        } catch (GunyahException | RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /** The image's bytes; EINVAL when it leaves no page of RAM for the devicetree, ENOENT when it cannot be read. */
    static byte[] readImage(VmSpec spec) throws GunyahException {
        byte[] image = readFile(spec);
        if (image.length > spec.memorySize() - MemoryRegion.PAGE_SIZE) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "image of %d bytes does not fit in %d bytes of RAM with a devicetree page",
                    image.length,
                    spec.memorySize());
        }
        return image;
    }

    private static byte[] readFile(VmSpec spec) throws GunyahException {
        if (spec.image().isEmpty()) {
            return new byte[0];
        }
        try {
            long size = Files.size(spec.image().get());
            if (size > spec.memorySize()) {
                throw GunyahException.of(
                        Errno.EINVAL,
                        "image %s of %d bytes is larger than RAM (%d bytes)",
                        spec.image().get(),
                        size,
                        spec.memorySize());
            }
            return Files.readAllBytes(spec.image().get());
        } catch (IOException e) {
            throw GunyahException.of(
                    Errno.ENOENT, "cannot read image %s: %s", spec.image().get(), e.getMessage());
        }
    }

    long imageSize() {
        return imageSize;
    }

    /** {@code length} bytes at guest physical {@code addr}: EFAULT when they are not all RAM, EINVAL for a negative length. */
    byte[] read(long addr, int length) throws GunyahException {
        if (length < 0) {
            throw GunyahException.of(Errno.EINVAL, "length %d is negative", length);
        }
        return ram.asSlice(offset(addr, length), length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Writes {@code data} at guest physical {@code addr}; EFAULT when the range is not all RAM. */
    void write(long addr, byte[] data) throws GunyahException {
        MemorySegment.copy(data, 0, ram, ValueLayout.JAVA_BYTE, offset(addr, data.length), data.length);
    }

    /** The offset in RAM of {@code length} bytes at guest physical {@code addr}; EFAULT when they are not all RAM. */
    private long offset(long addr, int length) throws GunyahException {
        long offset = addr - spec.ramBase();
        if (Long.compareUnsigned(addr, spec.ramBase()) < 0
                || Long.compareUnsigned(offset, spec.memorySize() - length) > 0) {
            throw GunyahException.of(
                    Errno.EFAULT,
                    "0x%x..+%d is outside the VM's RAM at 0x%x..+%d",
                    addr,
                    length,
                    spec.ramBase(),
                    spec.memorySize());
        }
        return offset;
    }

    @Override
    public void close() {
        arena.close();
    }
}
