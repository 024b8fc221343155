package org.gunyah.vmm.remoteconsole;

import java.io.BufferedInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.gunyah.vmm.shell.script.GogoScript;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The console socket ({@code data/gunyah.sock}): each connection is a Gogo session, a script run with
 * the rules of {@code -c} or an interactive one (see {@link Frames}). Only the runtime's user can
 * connect: the socket is made in a folder with mode 0700 (set before the bind, so nobody else can
 * reach it even for an instant) and is itself {@code rw-------}. It is bound once the framework
 * reports STARTED, so its appearing means the runtime is ready ({@code bin/gunyah start} waits for
 * it), and removed when the bundle stops.
 */
@Component(immediate = true)
public final class SocketConsole {
    private static final Logger LOG = System.getLogger(SocketConsole.class.getName());

    private final CommandProcessor processor;
    private final BundleContext context;
    private final Path socket;
    private final FrameworkListener started = this::frameworkEvent;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private ServerSocketChannel server; // guarded by this
    private boolean closed; // guarded by this

    @Activate
    public SocketConsole(@Reference CommandProcessor processor, BundleContext context) {
        this.processor = processor;
        this.context = context;
        Settings settings = Settings.of(context::getProperty);
        socket = settings == null ? null : settings.socket();
        if (socket == null) {
            LOG.log(Level.INFO, "no console socket: the framework has no gunyah.home");
            return;
        }
        context.addFrameworkListener(started);
        if (context.getBundle(0).getState() == Bundle.ACTIVE) {
            bind();
        }
    }

    private void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED) {
            bind();
        }
    }

    private synchronized void bind() {
        if (closed || server != null) {
            return;
        }
        try {
            server = open(socket);
            Thread.ofPlatform().name("gunyah-console-socket").daemon().start(this::accept);
            LOG.log(Level.INFO, "console socket {0}", socket);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot open the console socket {0}: {1}", socket, e.toString());
        }
    }

    /** Binds the socket in a folder only this user can enter; a socket file left by a dead runtime goes. */
    static ServerSocketChannel open(Path socket) throws IOException {
        Path folder = socket.getParent();
        if (!Files.isDirectory(folder)) {
            Files.createDirectories(
                    folder, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        UnixDomainSocketAddress address = address(socket);
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            try (SocketChannel other = SocketChannel.open(address)) {
                throw new IOException("another runtime answers on " + socket);
            } catch (IOException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("another runtime")) {
                    throw e;
                }
                Files.delete(socket); // nobody listens: left behind by a runtime that died
            }
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(address);
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The longest path a Unix domain socket address holds (sun_path less its terminating NUL). */
    static final int MAX_SOCKET_PATH = 107;

    /**
     * The socket's address: its absolute path, or, when that is longer than a Unix socket allows, its
     * path relative to the working folder ({@code bin/gunyah} runs the runtime and the client in the
     * runtime folder, so that is {@code data/gunyah.sock}).
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

    private void accept() {
        ServerSocketChannel s;
        synchronized (this) {
            s = server;
        }
        while (s.isOpen()) {
            try {
                SocketChannel connection = s.accept();
                connections.add(connection);
                Thread.ofPlatform().name("gunyah-console-session").daemon().start(() -> serve(connection));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "console socket: {0}", e.toString());
                return;
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(Channels.newInputStream(connection));
            DataOutputStream sink = new DataOutputStream(Channels.newOutputStream(connection));
            String kind = readLine(in);
            PrintStream out =
                    new PrintStream(new Frames.FrameOutputStream(sink, Frames.OUT), true, StandardCharsets.UTF_8);
            PrintStream err =
                    new PrintStream(new Frames.FrameOutputStream(sink, Frames.ERR), true, StandardCharsets.UTF_8);
            int status;
            try (CommandSession session = processor.createSession(in, out, err)) {
                if (Frames.SCRIPT.equals(kind)) {
                    status = GogoScript.run(session, new String(in.readAllBytes(), StandardCharsets.UTF_8), out, err);
                } else if (Frames.SHELL.equals(kind)) {
                    LineShell.run(session, in, out, err, false);
                    status = 0;
                } else {
                    err.println("gunyah: unknown request " + kind);
                    status = 2;
                }
            }
            out.flush();
            err.flush();
            Frames.exit(sink, status);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "console session ended: {0}", e.toString());
        } finally {
            connections.remove(connection);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            line.append((char) b);
        }
        return line.toString().strip();
    }

    @Deactivate
    void deactivate() {
        context.removeFrameworkListener(started);
        ServerSocketChannel s;
        synchronized (this) {
            closed = true;
            s = server;
            server = null;
        }
        if (s == null) {
            return;
        }
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
        for (SocketChannel c : connections) {
            try {
                c.close();
            } catch (IOException e) {
                // closing
            }
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove the console socket {0}: {1}", socket, e.toString());
        }
    }
}
