package org.gunyah.vmm.shell;

import java.io.ByteArrayOutputStream;

/**
 * The keys an attached terminal ({@code bin/gunyah linux}) keeps for itself, as QEMU's
 * {@code -nographic} does: Ctrl-A is the escape; Ctrl-A X stops the VM, Ctrl-A H (or ?) shows
 * these keys, Ctrl-A Ctrl-A types one Ctrl-A, and any other key after Ctrl-A is dropped with it.
 * Every other byte, Ctrl-C included, goes to the guest. An escape split between two reads is
 * still seen: the state carries over.
 */
final class EscapeKeys {
    static final int CTRL_A = 0x01;

    static final String HELP = "Ctrl-A X   stop the VM and exit\r\n"
            + "Ctrl-A H   show these keys\r\n"
            + "Ctrl-A Ctrl-A   type Ctrl-A\r\n"
            + "Every other key, Ctrl-C included, goes to the guest.\r\n";

    /** What the keys of one read mean: the bytes for the guest, and whether to stop or show help. */
    record Typed(byte[] toGuest, boolean stop, boolean help) {}

    private boolean escaped;

    /** The first {@code length} bytes of {@code keys}; what follows a stop is not looked at. */
    Typed feed(byte[] keys, int length) {
        ByteArrayOutputStream toGuest = new ByteArrayOutputStream(length);
        boolean help = false;
        for (int i = 0; i < length; i++) {
            int b = keys[i] & 0xff;
            if (!escaped) {
                if (b == CTRL_A) {
                    escaped = true;
                } else {
                    toGuest.write(b);
                }
                continue;
            }
            escaped = false;
            switch (b) {
                case 'x', 'X' -> {
                    return new Typed(toGuest.toByteArray(), true, help);
                }
                case 'h', 'H', '?' -> help = true;
                case CTRL_A -> toGuest.write(CTRL_A);
                default -> {
                    // an unknown escape is dropped, as QEMU's
                }
            }
        }
        return new Typed(toGuest.toByteArray(), false, help);
    }
}
