package org.gunyah.vmm.virtio.testing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;

/**
 * Guest RAM of {@code size} bytes at guest physical {@code base}, as the VMM's would be: for the
 * tests of the virtio library and of the device bundles built on it (this module's test-jar).
 */
public final class FakeRam implements GuestRam, AutoCloseable {
    public static final long BASE = 0x4000_0000L;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    public final long base;
    public final long size;
    public final MemorySegment memory;
    private final Arena arena = Arena.ofShared();

    public FakeRam(long base, long size) {
        this.base = base;
        this.size = size;
        this.memory = arena.allocate(size, 4096);
    }

    public FakeRam(long size) {
        this(BASE, size);
    }

    @Override
    public MemorySegment slice(long address, long length) throws GunyahException {
        if (!contains(address, length)) {
            throw GunyahException.of(Errno.EFAULT, "[0x%x, +0x%x) is not RAM", address, length);
        }
        return memory.asSlice(address - base, length);
    }

    @Override
    public boolean contains(long address, long length) {
        long offset = address - base;
        return Long.compareUnsigned(address, base) >= 0
                && Long.compareUnsigned(offset, size) <= 0
                && Long.compareUnsigned(length, size - offset) <= 0;
    }

    public void putShort(long address, int value) {
        memory.set(U16, address - base, (short) value);
    }

    public int getShort(long address) {
        return memory.get(U16, address - base) & 0xffff;
    }

    public void putInt(long address, int value) {
        memory.set(U32, address - base, value);
    }

    public int getInt(long address) {
        return memory.get(U32, address - base);
    }

    public void putLong(long address, long value) {
        memory.set(U64, address - base, value);
    }

    public void put(long address, byte[] bytes) {
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, address - base, bytes.length);
    }

    public byte[] get(long address, int length) {
        return memory.asSlice(address - base, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        arena.close();
    }
}
