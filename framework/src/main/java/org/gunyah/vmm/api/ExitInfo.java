package org.gunyah.vmm.api;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * {@code exit_info} of a STATUS exit: the resource manager's exit type and up to 8 bytes of
 * reason. The emulated guest's exit hypercall puts its status code in the reason, little-endian.
 */
public record ExitInfo(int type, byte[] reason) {
    public static final int VM_EXIT = 0;
    public static final int PSCI_POWER_OFF = 1;
    public static final int PSCI_SYSTEM_RESET = 2;
    public static final int PSCI_SYSTEM_RESET2 = 3;
    public static final int WDT_BITE = 4;
    public static final int HYP_ERROR = 5;
    public static final int ASYNC_EXT_ABORT = 6;
    public static final int VM_FORCE_STOPPED = 7;

    public static final int MAX_REASON = 8;

    public ExitInfo {
        reason = Arrays.copyOf(reason, Math.min(reason.length, MAX_REASON));
    }

    /** An exit whose reason is a 64-bit status code, as the guest exit hypercall reports it. */
    public static ExitInfo withCode(int type, long code) {
        return new ExitInfo(
                type,
                ByteBuffer.allocate(8)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putLong(code)
                        .array());
    }

    @Override
    public byte[] reason() {
        return reason.clone();
    }

    /** The reason read as a little-endian integer (missing bytes are zero). */
    public long code() {
        return ByteBuffer.wrap(Arrays.copyOf(reason, 8))
                .order(ByteOrder.LITTLE_ENDIAN)
                .getLong();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExitInfo e && e.type == type && Arrays.equals(e.reason, reason);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(reason);
    }

    @Override
    public String toString() {
        return "ExitInfo[type=" + type + ", reason=" + HexFormat.of().formatHex(reason) + "]";
    }
}
