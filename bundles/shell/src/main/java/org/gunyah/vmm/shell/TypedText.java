package org.gunyah.vmm.shell;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * Text typed into a guest ({@code gunyah:vm-input}) as the bytes it stands for: UTF-8, with
 * {@code \n}, {@code \r}, {@code \t}, {@code \e} (escape), {@code \\} and {@code \xHH} replaced
 * by their bytes, since a console line cannot hold a newline or a control key.
 */
final class TypedText {
    private TypedText() {}

    /** EINVAL for a backslash before anything else, or {@code \x} without two hex digits. */
    static byte[] bytes(String text) throws GunyahException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        StringBuilder plain = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                plain.append(c);
                continue;
            }
            out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
            plain.setLength(0);
            char e = i + 1 < text.length() ? text.charAt(++i) : '\0';
            switch (e) {
                case 'n' -> out.write('\n');
                case 'r' -> out.write('\r');
                case 't' -> out.write('\t');
                case 'e' -> out.write(0x1b);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(hex(text, i + 1));
                    i += 2;
                }
                default -> throw bad(text);
            }
        }
        out.writeBytes(plain.toString().getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static int hex(String text, int at) throws GunyahException {
        if (at + 2 > text.length()) {
            throw bad(text);
        }
        int hi = Character.digit(text.charAt(at), 16);
        int lo = Character.digit(text.charAt(at + 1), 16);
        if (hi < 0 || lo < 0) {
            throw bad(text);
        }
        return hi << 4 | lo;
    }

    private static GunyahException bad(String text) {
        return GunyahException.of(
                Errno.EINVAL, "'%s': a backslash must start \\n, \\r, \\t, \\e, \\\\ or \\xHH (two hex digits)", text);
    }
}
