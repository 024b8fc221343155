package org.gunyah.vmm.launcher;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bin/gunyah client}: a Gogo session in the running runtime through its console socket (the
 * remote-console bundle's {@code SocketConsole}). It sends {@code script} and the statements, or
 * {@code shell} and its standard input, then prints the runtime's frames (kind byte 1 output, 2 errors,
 * 3 exit status; a 32-bit length; the bytes) as they come and returns the exit status.
 */
final class Client {
    static final int OUT = 1;
    static final int ERR = 2;
    static final int EXIT = 3;
    /** The exit status when no runtime answers (as {@code bin/gunyah status}'s "not running"). */
    static final int NOT_RUNNING = 3;

    private Client() {}

    static int run(Path socket, String statements, InputStream stdin, PrintStream out, PrintStream err)
            throws IOException {
        if (!Files.exists(socket)) {
            err.println("gunyah: the runtime is not running (no " + socket + ")");
            return NOT_RUNNING;
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(address(socket));
        } catch (IOException e) {
            channel.close();
            err.println("gunyah: the runtime does not answer on " + socket + ": " + e.getMessage());
            return NOT_RUNNING;
        }
        try (channel) {
            OutputStream toRuntime = Channels.newOutputStream(channel);
            if (statements != null) {
                toRuntime.write(("script\n" + statements).getBytes(StandardCharsets.UTF_8));
                toRuntime.flush();
                channel.shutdownOutput();
            } else {
                toRuntime.write("shell\n".getBytes(StandardCharsets.UTF_8));
                Thread.ofPlatform().daemon().name("gunyah-client-input").start(() -> relay(stdin, toRuntime, channel));
            }
            return frames(new DataInputStream(new BufferedInputStream(Channels.newInputStream(channel))), out, err);
        }
    }

    /** The longest path a Unix domain socket address holds (sun_path less its terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    /**
     * The socket's address: its absolute path, or, when that is longer than a Unix socket allows, its
     * path relative to the working folder, as the runtime's {@code SocketConsole} binds it.
     */
    static UnixDomainSocketAddress address(Path socket) throws IOException {
        Path absolute = socket.toAbsolutePath().normalize();
        if (length(absolute) <= MAX_SOCKET_PATH) {
            return UnixDomainSocketAddress.of(absolute);
        }
        Path relative = Path.of("").toAbsolutePath().relativize(absolute);
        if (length(relative) <= MAX_SOCKET_PATH) {
            return UnixDomainSocketAddress.of(relative);
        }
        throw new IOException("the socket path " + absolute + " is longer than a Unix socket allows (" + MAX_SOCKET_PATH
                + " bytes), also relative to the working folder");
    }

    private static int length(Path p) {
        return p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }

    /** Standard input to the runtime until its end, which ends the session there. */
    private static void relay(InputStream stdin, OutputStream toRuntime, SocketChannel channel) {
        try {
            byte[] buffer = new byte[8192];
            for (int n = stdin.read(buffer); n >= 0; n = stdin.read(buffer)) {
                toRuntime.write(buffer, 0, n);
                toRuntime.flush();
            }
            channel.shutdownOutput();
        } catch (IOException e) {
            // the session ended first
        }
    }

    static int frames(DataInputStream in, PrintStream out, PrintStream err) throws IOException {
        try {
            while (true) {
                int kind = in.readUnsignedByte();
                byte[] data = new byte[in.readInt()];
                in.readFully(data);
                switch (kind) {
                    case OUT -> {
                        out.write(data);
                        out.flush();
                    }
                    case ERR -> {
                        err.write(data);
                        err.flush();
                    }
                    case EXIT -> {
                        return new DataInputStream(new java.io.ByteArrayInputStream(data)).readInt();
                    }
                    default -> throw new IOException("unknown frame kind " + kind);
                }
            }
        } catch (EOFException e) {
            err.println("gunyah: the runtime closed the session without an exit status");
            return 1;
        }
    }
}
