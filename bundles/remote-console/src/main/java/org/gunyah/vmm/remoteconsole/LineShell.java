package org.gunyah.vmm.remoteconsole;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.felix.service.command.CommandSession;
import org.gunyah.vmm.shell.script.GogoScript;

/**
 * An interactive session: a prompt, a line, its result or its one-line error, until {@code exit},
 * {@code logout} or the end of the input. A failing command does not end the session.
 *
 * <p>On a terminal (an SSH client that asked for a pty, so its side is raw) this end does what a
 * terminal's line discipline would: echoes what is typed, erases on backspace, ends a line on return,
 * drops it on Ctrl-C and ends the session on Ctrl-D at the start of a line; {@link #crlf} turns the
 * output's line ends into CR LF.
 */
final class LineShell {
    static final String PROMPT = "g! ";

    private LineShell() {}

    static void run(CommandSession session, InputStream in, PrintStream out, PrintStream err, boolean terminal)
            throws IOException {
        LineReader reader = new LineReader(in, terminal ? out : null);
        while (!Thread.currentThread().isInterrupted()) {
            out.print(PROMPT);
            out.flush();
            String line = reader.readLine();
            if (line == null) {
                if (terminal) {
                    out.println();
                }
                out.flush();
                return;
            }
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.equals("exit") || line.equals("logout")) {
                return;
            }
            try {
                GogoScript.print(session, session.execute(line), out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                err.println(GogoScript.message(e));
                err.flush();
            }
        }
    }

    /** An output stream that writes CR LF for each LF: what a raw terminal needs. */
    static OutputStream crlf(OutputStream out) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                if (b == '\n') {
                    out.write('\r');
                }
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteArrayOutputStream converted = new ByteArrayOutputStream(len + 16);
                for (int i = off; i < off + len; i++) {
                    if (b[i] == '\n') {
                        converted.write('\r');
                    }
                    converted.write(b[i]);
                }
                converted.writeTo(out);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /**
     * Lines of UTF-8 from a byte stream; with an echo stream, the line discipline of a raw terminal (the
     * echo stream is the session's output, which {@link #crlf} makes a terminal's).
     */
    static final class LineReader {
        private static final int CTRL_C = 3;
        private static final int CTRL_D = 4;
        private static final int BACKSPACE = 8;
        private static final int DELETE = 127;

        private final InputStream in;
        private final PrintStream echo;
        private boolean lastWasCr;

        LineReader(InputStream in, PrintStream echo) {
            this.in = in;
            this.echo = echo;
        }

        /** The next line without its end, or null at the end of the input. */
        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return line.size() == 0 ? null : text(line);
                }
                boolean crlf = lastWasCr && b == '\n';
                lastWasCr = b == '\r';
                if (crlf) {
                    continue; // the LF of a CR LF: the CR ended the line
                }
                if (b == '\r' || b == '\n') {
                    echo("\n");
                    return text(line);
                }
                if (echo == null) {
                    line.write(b);
                } else if (b == CTRL_D && line.size() == 0) {
                    return null;
                } else if (b == CTRL_C) {
                    echo("^C\n");
                    return "";
                } else if (b == DELETE || b == BACKSPACE) {
                    if (eraseLastCharacter(line)) {
                        echo("\b \b");
                    }
                } else if (b >= ' ' || b == '\t') {
                    line.write(b);
                    echo.write(b);
                    echo.flush();
                }
            }
        }

        private void echo(String s) {
            if (echo != null) {
                echo.print(s);
                echo.flush();
            }
        }

        /** Drops the last UTF-8 character (its continuation bytes, then its lead byte). */
        private static boolean eraseLastCharacter(ByteArrayOutputStream line) {
            byte[] bytes = line.toByteArray();
            int end = bytes.length;
            if (end == 0) {
                return false;
            }
            while (end > 0 && (bytes[end - 1] & 0xc0) == 0x80) {
                end--;
            }
            end = Math.max(0, end - 1);
            line.reset();
            line.write(bytes, 0, end);
            return true;
        }

        private static String text(ByteArrayOutputStream line) {
            return line.toString(StandardCharsets.UTF_8);
        }
    }
}
