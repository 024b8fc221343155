package org.gunyah.vmm.api;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code struct gh_fn_desc}: a function type and its argument bytes in the exact little-endian
 * uapi layout. The argument is copied in and out, so a descriptor is immutable. Sizes are not
 * checked here: the VM checks them and reports the errno, as the ioctl does.
 */
public record FunctionDesc(int type, byte[] arg) {

    public FunctionDesc {
        arg = arg == null ? new byte[0] : arg.clone();
    }

    @Override
    public byte[] arg() {
        return arg.clone();
    }

    public int argSize() {
        return arg.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FunctionDesc d && d.type == type && Arrays.equals(d.arg, arg);
    }

    @Override
    public int hashCode() {
        return 31 * type + Arrays.hashCode(arg);
    }

    @Override
    public String toString() {
        return FunctionType.describe(type) + "[" + HexFormat.of().formatHex(arg) + "]";
    }
}
