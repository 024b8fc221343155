package org.gunyah.vmm.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** {@code struct gh_fn_vcpu_arg} {u32 id}: 4 bytes. */
public record VcpuArg(int id) {
    public static final int SIZE = 4;

    public byte[] encode() {
        return ByteBuffer.allocate(SIZE)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(id)
                .array();
    }

    public FunctionDesc desc() {
        return new FunctionDesc(FunctionType.VCPU, encode());
    }

    /** Decodes the argument; any size but 4 is EINVAL, as the vcpu function's bind says. */
    public static VcpuArg decode(byte[] arg) throws GunyahException {
        Args.requireSize("vcpu", arg, SIZE);
        return new VcpuArg(Args.le(arg).getInt());
    }
}
