package org.gunyah.vmm.api;

import java.nio.ByteBuffer;

/**
 * {@code struct gh_fn_irqfd_arg} {u32 fd, u32 label, u32 flags, u32 padding}: 16 bytes.
 *
 * <p>{@link #RESAMPLE} is this runtime's extension, after KVM's {@code KVM_IRQFD_FLAG_RESAMPLE}
 * (Linux's Gunyah irqfd has no such flag): with {@link #LEVEL}, the last u32 is no longer padding
 * but the number of a second eventfd, {@code resampleFd}, which is signalled each time the guest
 * acknowledges (EOIs) the interrupt. A device model whose line is still up then signals {@code fd}
 * again. Without {@code RESAMPLE} the last u32 is padding, written as 0 and ignored when read.
 */
public record IrqfdArg(int fd, int label, int flags, int resampleFd) {
    public static final int SIZE = 16;
    /** {@code GH_IRQFD_FLAGS_LEVEL}: the interrupt stays asserted until the guest handles it. */
    public static final int LEVEL = 1;
    /**
     * Our extension (KVM's resamplefd): signal {@link #resampleFd} on each guest acknowledgement of
     * the interrupt. Valid only with {@link #LEVEL}.
     */
    public static final int RESAMPLE = 2;

    /** {@code resampleFd} is meaningful only with {@link #RESAMPLE}: it must be 0 without it. */
    public IrqfdArg {
        if ((flags & RESAMPLE) == 0 && resampleFd != 0) {
            throw new IllegalArgumentException(
                    "irqfd: resampleFd " + resampleFd + " given without the RESAMPLE flag (0x" + RESAMPLE + ")");
        }
    }

    /** An irqfd without a resample eventfd (the last u32 is padding). */
    public IrqfdArg(int fd, int label, int flags) {
        this(fd, label, flags, 0);
    }

    public boolean level() {
        return (flags & LEVEL) != 0;
    }

    /** Whether the last u32 names a resample eventfd. */
    public boolean resample() {
        return (flags & RESAMPLE) != 0;
    }

    public byte[] encode() {
        return Args.le(ByteBuffer.allocate(SIZE))
                .putInt(fd)
                .putInt(label)
                .putInt(flags)
                .putInt(resampleFd)
                .array();
    }

    public FunctionDesc desc() {
        return new FunctionDesc(FunctionType.IRQFD, encode());
    }

    /**
     * Decodes the argument: a size other than 16 is EINVAL; flags are checked by the function.
     * Without {@link #RESAMPLE} the last u32 is padding and ignored, whatever it holds.
     */
    public static IrqfdArg decode(byte[] arg) throws GunyahException {
        Args.requireSize("irqfd", arg, SIZE);
        ByteBuffer b = Args.le(arg);
        int fd = b.getInt();
        int label = b.getInt();
        int flags = b.getInt();
        int last = b.getInt();
        return new IrqfdArg(fd, label, flags, (flags & RESAMPLE) != 0 ? last : 0);
    }
}
