package org.gunyah.vmm.remoteconsole;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The console socket's protocol, which {@code bin/gunyah client} (the launcher's {@code Client})
 * speaks from the other end. The client sends one line, {@value #SCRIPT} or {@value #SHELL}, then
 * the script or its standard input, and closes its output at the end. The runtime answers with frames:
 * a kind byte ({@link #OUT}, {@link #ERR}, {@link #EXIT}), a 32-bit big-endian length, the bytes; the
 * last frame is EXIT with the status as a 32-bit int.
 */
final class Frames {
    static final String SCRIPT = "script";
    static final String SHELL = "shell";
    static final int OUT = 1;
    static final int ERR = 2;
    static final int EXIT = 3;

    private Frames() {}

    /** Sends the exit frame. */
    static void exit(DataOutputStream sink, int status) throws IOException {
        synchronized (sink) {
            sink.writeByte(EXIT);
            sink.writeInt(4);
            sink.writeInt(status);
            sink.flush();
        }
    }

    /** Each write is one frame of its kind, sent at once (the client prints it as it comes). */
    static final class FrameOutputStream extends OutputStream {
        private final DataOutputStream sink;
        private final int kind;

        FrameOutputStream(DataOutputStream sink, int kind) {
            this.sink = sink;
            this.kind = kind;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            synchronized (sink) {
                sink.writeByte(kind);
                sink.writeInt(len);
                sink.write(b, off, len);
                sink.flush();
            }
        }
    }
}
