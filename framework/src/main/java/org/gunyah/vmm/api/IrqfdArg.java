package org.gunyah.vmm.api;

import java.nio.ByteBuffer;

/** {@code struct gh_fn_irqfd_arg} {u32 fd, u32 label, u32 flags, u32 padding}: 16 bytes. */
public record IrqfdArg(int fd, int label, int flags) {
    public static final int SIZE = 16;
    /** {@code GH_IRQFD_FLAGS_LEVEL}: the interrupt stays asserted until the guest handles it. */
    public static final int LEVEL = 1;

    public boolean level() {
        return (flags & LEVEL) != 0;
    }

    public byte[] encode() {
        return Args.le(ByteBuffer.allocate(SIZE))
                .putInt(fd)
                .putInt(label)
                .putInt(flags)
                .putInt(0)
                .array();
    }

    public FunctionDesc desc() {
        return new FunctionDesc(FunctionType.IRQFD, encode());
    }

    /** Decodes the argument: a size other than 16 is EINVAL; flags are checked by the function. */
    public static IrqfdArg decode(byte[] arg) throws GunyahException {
        Args.requireSize("irqfd", arg, SIZE);
        ByteBuffer b = Args.le(arg);
        return new IrqfdArg(b.getInt(), b.getInt(), b.getInt());
    }
}
