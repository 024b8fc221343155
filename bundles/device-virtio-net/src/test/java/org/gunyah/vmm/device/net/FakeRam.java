package org.gunyah.vmm.device.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.GuestRam;

/** Guest RAM of {@code size} bytes at guest physical {@link #BASE}, as the VMM's would be. */
final class FakeRam implements GuestRam, AutoCloseable {
    static final long BASE = 0x4000_0000L;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    final long size;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment memory;

    FakeRam(long size) {
        this.size = size;
        this.memory = arena.allocate(size, 4096);
    }

    @Override
    public MemorySegment slice(long address, long length) throws GunyahException {
        if (!contains(address, length)) {
            throw GunyahException.of(Errno.EFAULT, "[0x%x, +0x%x) is not RAM", address, length);
        }
        return memory.asSlice(address - BASE, length);
    }

    @Override
    public boolean contains(long address, long length) {
        long offset = address - BASE;
        return Long.compareUnsigned(address, BASE) >= 0
                && Long.compareUnsigned(offset, size) <= 0
                && Long.compareUnsigned(length, size - offset) <= 0;
    }

    void putShort(long address, int value) {
        memory.set(U16, address - BASE, (short) value);
    }

    int getShort(long address) {
        return memory.get(U16, address - BASE) & 0xffff;
    }

    void putInt(long address, int value) {
        memory.set(U32, address - BASE, value);
    }

    int getInt(long address) {
        return memory.get(U32, address - BASE);
    }

    void putLong(long address, long value) {
        memory.set(U64, address - BASE, value);
    }

    void put(long address, byte[] bytes) {
        MemorySegment.copy(bytes, 0, memory, ValueLayout.JAVA_BYTE, address - BASE, bytes.length);
    }

    byte[] get(long address, int length) {
        return memory.asSlice(address - BASE, length).toArray(ValueLayout.JAVA_BYTE);
    }

    @Override
    public void close() {
        arena.close();
    }
}
