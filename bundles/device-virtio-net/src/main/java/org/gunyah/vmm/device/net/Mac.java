package org.gunyah.vmm.device.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/** An Ethernet MAC address: its 48 bits, the first byte on the wire the most significant. */
record Mac(long bits) {
    static final Mac BROADCAST = new Mac(0xffff_ffff_ffffL);

    private static final Pattern TEXT = Pattern.compile("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}");

    Mac {
        bits &= 0xffff_ffff_ffffL;
    }

    /** The six bytes at {@code offset} of {@code frame}. */
    static Mac at(byte[] frame, int offset) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = v << 8 | frame[offset + i] & 0xff;
        }
        return new Mac(v);
    }

    /**
     * {@code aa:bb:cc:dd:ee:ff} as a device's own address: EINVAL for another form, a group
     * (multicast or broadcast) address or all zeros, which no card may send from.
     */
    static Mac parse(String text) throws GunyahException {
        if (!TEXT.matcher(text).matches()) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net mac=%s is not six hex bytes aa:bb:cc:dd:ee:ff", text);
        }
        Mac mac = new Mac(HexFormat.fromHexDigitsToLong(text.replace(":", "")));
        if (mac.isGroup()) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net mac=%s is a multicast address", text);
        }
        if (mac.bits == 0) {
            throw GunyahException.of(Errno.EINVAL, "virtio-net mac=%s is all zeros", text);
        }
        return mac;
    }

    /**
     * A locally administered unicast address that only {@code seed} gives: the first six bytes of
     * its SHA-256, with the group bit cleared and the local bit set, so it never takes a vendor's.
     */
    static Mac derived(String seed) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        digest[0] = (byte) (digest[0] & ~0x03 | 0x02);
        return at(digest, 0);
    }

    /** Multicast or broadcast: the I/G bit, the lowest of the first byte. */
    boolean isGroup() {
        return (bits >>> 40 & 1) != 0;
    }

    byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (bits >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(bytes());
    }
}
