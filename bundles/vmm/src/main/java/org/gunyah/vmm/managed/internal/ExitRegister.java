package org.gunyah.vmm.managed.internal;

import java.util.function.LongConsumer;
import org.gunyah.vmm.device.MmioDevice;

/** The exit register ({@link org.gunyah.vmm.managed.Devices#EXIT_REGISTER}): a store of 1 to 8 bytes at its address is the guest's exit code. */
record ExitRegister(LongConsumer exit) implements MmioDevice {
    /** Its window: one 64-bit register. */
    static final long SIZE = 8;

    @Override
    public long read(long offset, int size) {
        return 0;
    }

    @Override
    public void write(long offset, int size, long value) {
        if (offset == 0) {
            exit.accept(size == 8 ? value : value & ((1L << (8 * size)) - 1));
        }
    }
}
