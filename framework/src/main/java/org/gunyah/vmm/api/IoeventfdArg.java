package org.gunyah.vmm.api;

import java.nio.ByteBuffer;

/**
 * {@code struct gh_fn_ioeventfd_arg} {u64 datamatch, u64 addr, u32 len, s32 fd, u32 flags,
 * u32 padding}: 32 bytes.
 */
public record IoeventfdArg(long datamatch, long addr, int len, int fd, int flags) {
    public static final int SIZE = 32;
    /** {@code GH_IOEVENTFD_FLAGS_DATAMATCH} (1, as the header says; crosvm's 2 is rejected). */
    public static final int DATAMATCH = 1;

    public static IoeventfdArg of(long addr, int len, int fd) {
        return new IoeventfdArg(0, addr, len, fd, 0);
    }

    public static IoeventfdArg matching(long addr, int len, long value, int fd) {
        return new IoeventfdArg(value, addr, len, fd, DATAMATCH);
    }

    public boolean hasDatamatch() {
        return (flags & DATAMATCH) != 0;
    }

    public byte[] encode() {
        return Args.le(ByteBuffer.allocate(SIZE))
                .putLong(datamatch)
                .putLong(addr)
                .putInt(len)
                .putInt(fd)
                .putInt(flags)
                .putInt(0)
                .array();
    }

    public FunctionDesc desc() {
        return new FunctionDesc(FunctionType.IOEVENTFD, encode());
    }

    /** Decodes the argument: a size other than 32 is EINVAL; the field rules are the function's. */
    public static IoeventfdArg decode(byte[] arg) throws GunyahException {
        Args.requireSize("ioeventfd", arg, SIZE);
        ByteBuffer b = Args.le(arg);
        return new IoeventfdArg(b.getLong(), b.getLong(), b.getInt(), b.getInt(), b.getInt());
    }
}
