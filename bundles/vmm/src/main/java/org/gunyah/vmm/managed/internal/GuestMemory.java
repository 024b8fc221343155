package org.gunyah.vmm.managed.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.device.GuestRam;
import org.gunyah.vmm.linux.Libc;
import org.gunyah.vmm.managed.VmSpec;

/**
 * A VM's guest RAM: host memory of the spec's size at guest physical {@code ramBase}, outside the
 * Java heap, with what its boot protocol loads ({@link BootPlan}) in place. Its owner decides when reads and writes are allowed, and frees it
 * only once no vCPU thread can touch it.
 */
final class GuestMemory implements AutoCloseable {
    private final VmSpec spec;
    private final Arena arena;
    private final MemorySegment ram;

    private GuestMemory(VmSpec spec, Arena arena, MemorySegment ram) {
        this.spec = spec;
        this.arena = arena;
        this.ram = ram;
    }

    /** Allocates RAM with the guest {@code boot} loads in place and gives it to {@code vm}; nothing is left on failure. */
    static GuestMemory load(VmSpec spec, BootPlan boot, Vm vm) throws GunyahException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment ram = allocate(spec.memorySize(), arena);
            boot.load(ram);
            vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, spec.ramBase(), ram));
            return new GuestMemory(spec, arena, ram);
        } catch (GunyahException | RuntimeException | OutOfMemoryError e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Zero RAM. On Linux a private anonymous mapping: its pages cost nothing until the guest
     * touches them, where the arena's allocation writes every byte once (256 MiB took 0.1 to 0.4 s
     * before the guest's first instruction, and stayed resident however little the guest used).
     */
    private static MemorySegment allocate(long size, Arena arena) throws GunyahException {
        if (LINUX) {
            return Libc.mmapAnonymous(size, arena, "the guest's RAM (" + size + " bytes)");
        }
        return arena.allocate(size, MemoryRegion.PAGE_SIZE);
    }

    private static final boolean LINUX = "Linux".equals(System.getProperty("os.name"));

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

    /** The RAM as the VM's devices reach it (see {@link GuestRam}). */
    GuestRam devicesView() {
        return new GuestRam() {
            @Override
            public MemorySegment slice(long address, long length) throws GunyahException {
                if (!contains(address, length)) {
                    throw GunyahException.of(
                            Errno.EFAULT,
                            "0x%x..+%d is outside the VM's RAM at 0x%x..+%d",
                            address,
                            length,
                            spec.ramBase(),
                            spec.memorySize());
                }
                return ram.asSlice(address - spec.ramBase(), length);
            }

            @Override
            public boolean contains(long address, long length) {
                long offset = address - spec.ramBase();
                return length >= 0
                        && Long.compareUnsigned(address, spec.ramBase()) >= 0
                        && Long.compareUnsigned(offset, spec.memorySize()) <= 0
                        && length <= spec.memorySize() - offset;
            }
        };
    }

    @Override
    public void close() {
        arena.close();
    }
}
