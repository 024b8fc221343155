package org.gunyah.vmm.device.net;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.linux.Libc;

/**
 * A host TAP interface (Linux's tun driver, {@code /dev/net/tun}), a virtual switch's uplink to
 * the host's network: frames the switch sends it go to the host's stack, frames the host sends on
 * the interface come back to the switch. An existing (persistent) TAP is attached, which needs no
 * privilege when the runtime's user owns it; a missing one is created, which needs CAP_NET_ADMIN,
 * and goes when it is closed. Frames from the host are read on a thread of its own, which waits in
 * poll(2) on the TAP and on an eventfd that {@link #close} signals.
 */
final class HostTap implements Uplink {
    private static final Logger LOG = System.getLogger(HostTap.class.getName());
    /** Interface names: at most IFNAMSIZ - 1 bytes, no '/', ':' or white space. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    /** struct ifreq: the name, then a union whose first member here is ifr_flags. */
    private static final long IFREQ_SIZE = 40;

    private static final long FRAME_MAX = 65536;
    private static final long CLOSE_WAIT_S = 5;

    private final String name;
    private final int fd;
    private final int wake;
    private final Arena arena = Arena.ofShared();
    // The frame going to the host, guarded by writeLock; the frame coming from it, the reader's own.
    private final Object writeLock = new Object();
    private final MemorySegment toHost = arena.allocate(FRAME_MAX);
    private final MemorySegment writeErrno = Libc.newCapture();
    private final AtomicLong dropped = new AtomicLong();
    private final Thread reader;
    private volatile boolean closed;

    private HostTap(String name, int fd, int wake, Consumer<byte[]> fromHost) {
        this.name = name;
        this.fd = fd;
        this.wake = wake;
        this.reader =
                Thread.ofPlatform().daemon().name("virtio-net-tap-" + name).unstarted(() -> read(fromHost));
    }

    /**
     * Attaches TAP {@code name}, creating it when it is not there, and hands {@code fromHost} every
     * frame the host sends on it. EINVAL for a name that is not an interface name, ENOENT without
     * /dev/net/tun, EPERM when creating it is not allowed, EBUSY when another process has it.
     */
    static HostTap open(String name, Consumer<byte[]> fromHost) throws GunyahException {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "virtio-net tap=%s: an interface name is 1 to 15 letters, digits, '.', '_' or '-'",
                    name);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment errno = Libc.newCapture();
            int fd = Libc.open(errno, "/dev/net/tun", Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw failure(name, "cannot open /dev/net/tun", Libc.errno(errno));
            }
            MemorySegment ifreq = call.allocate(IFREQ_SIZE);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, 0, bytes.length);
            ifreq.set(JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
            int wake = -1;
            try {
                if (Libc.ioctl(errno, fd, TUNSETIFF, ifreq) < 0) {
                    throw failure(name, "TUNSETIFF", Libc.errno(errno));
                }
                wake = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC);
                if (wake < 0) {
                    throw failure(name, "eventfd", Libc.errno(errno));
                }
                HostTap tap = new HostTap(name, fd, wake, fromHost);
                tap.reader.start();
                return tap;
            } catch (GunyahException | RuntimeException | Error e) {
                Libc.close(fd);
                if (wake >= 0) {
                    Libc.close(wake);
                }
                throw e;
            }
        }
    }

    private static GunyahException failure(String name, String what, int errno) {
        Errno e = Arrays.stream(Errno.values())
                .filter(x -> x.number() == errno)
                .findFirst()
                .orElse(Errno.EIO);
        String hint = errno == Errno.EPERM.number()
                ? " (creating a TAP needs CAP_NET_ADMIN: make it beforehand, owned by the runtime's user, with"
                        + " 'ip tuntap add dev " + name + " mode tap user <user>')"
                : errno == Errno.EBUSY.number() ? " (another process has it open)" : "";
        return GunyahException.of(e, "virtio-net tap=%s: %s failed (errno %d)%s", name, what, errno, hint);
    }

    @Override
    public String name() {
        return name;
    }

    /** Frames dropped on the way to the host (its queue was full, or the TAP is down). */
    long dropped() {
        return dropped.get();
    }

    /** A frame from the switch, to the host: written at once, or dropped when the TAP cannot take it now. */
    @Override
    public void receive(byte[] frame) {
        synchronized (writeLock) {
            if (closed || frame.length > FRAME_MAX) {
                dropped.incrementAndGet();
                return;
            }
            MemorySegment.copy(frame, 0, toHost, JAVA_BYTE, 0, frame.length);
            if (Libc.write(writeErrno, fd, toHost.asSlice(0, frame.length)) != frame.length) {
                dropped.incrementAndGet();
            }
        }
    }

    private void read(Consumer<byte[]> fromHost) {
        try (Arena own = Arena.ofConfined()) {
            MemorySegment frame = own.allocate(FRAME_MAX);
            MemorySegment errno = Libc.newCapture();
            MemorySegment fds = own.allocate(16);
            fds.set(JAVA_INT, 0, fd);
            fds.set(JAVA_SHORT, 4, Libc.POLLIN);
            fds.set(JAVA_INT, 8, wake);
            fds.set(JAVA_SHORT, 12, Libc.POLLIN);
            while (!closed) {
                fds.set(JAVA_SHORT, 6, (short) 0);
                fds.set(JAVA_SHORT, 14, (short) 0);
                int ready = Libc.poll(errno, fds, -1);
                if (ready < 0 && Libc.errno(errno) != Libc.EINTR) {
                    LOG.log(
                            Level.WARNING,
                            "TAP {0}: poll failed (errno {1}); no more frames from the host",
                            name,
                            Libc.errno(errno));
                    return;
                }
                if (fds.get(JAVA_SHORT, 14) != 0) {
                    return; // closing
                }
                short events = fds.get(JAVA_SHORT, 6);
                if ((events & ~Libc.POLLIN) != 0) {
                    LOG.log(
                            Level.WARNING,
                            "TAP {0}: the interface went away (poll events 0x{1}); no more frames from the host",
                            name,
                            Integer.toHexString(events));
                    return;
                }
                while (!closed) {
                    long n = Libc.read(errno, fd, frame);
                    if (n < 0) {
                        if (Libc.errno(errno) != Libc.EAGAIN && Libc.errno(errno) != Libc.EINTR) {
                            LOG.log(Level.WARNING, "TAP {0}: read failed (errno {1})", name, Libc.errno(errno));
                        }
                        break;
                    }
                    fromHost.accept(frame.asSlice(0, n).toArray(JAVA_BYTE));
                }
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "TAP " + name + ": the reader failed", t);
        }
    }

    /** Stops the reader (it is woken, and waited for at most 5 s) and closes the TAP. Idempotent. */
    @Override
    public void close() {
        synchronized (writeLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment one = call.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1);
            MemorySegment errno = Libc.newCapture();
            if (Libc.write(errno, wake, one) != 8) {
                LOG.log(Level.WARNING, "TAP {0}: could not wake its reader (errno {1})", name, Libc.errno(errno));
            }
        }
        if (Thread.currentThread() != reader) {
            try {
                if (!reader.join(java.time.Duration.ofSeconds(CLOSE_WAIT_S))) {
                    LOG.log(Level.WARNING, "TAP {0}: its reader did not end within {1} s", name, CLOSE_WAIT_S);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (writeLock) {
            Libc.close(fd);
            Libc.close(wake);
            if (!reader.isAlive()) {
                arena.close(); // else the reader may still touch it: left to the collector
            }
        }
    }
}
