package org.gunyah.vmm.device.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

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

    private static final int O_RDWR = 02;
    private static final int O_NONBLOCK = 04000;
    private static final int O_CLOEXEC = 02000000;
    private static final int EFD_CLOEXEC = 02000000;
    private static final long TUNSETIFF = 0x400454caL;
    private static final short IFF_TAP = 0x0002;
    private static final short IFF_NO_PI = 0x1000;
    private static final short POLLIN = 1;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
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
    private final MemorySegment writeErrno = arena.allocate(Native.CAPTURE);
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
            MemorySegment errno = call.allocate(Native.CAPTURE);
            int fd = (int)
                    Native.OPEN.invokeExact(errno, call.allocateFrom("/dev/net/tun"), O_RDWR | O_NONBLOCK | O_CLOEXEC);
            if (fd < 0) {
                throw failure(name, "cannot open /dev/net/tun", Native.errno(errno));
            }
            MemorySegment ifreq = call.allocate(IFREQ_SIZE);
            byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(bytes, 0, ifreq, JAVA_BYTE, 0, bytes.length);
            ifreq.set(JAVA_SHORT, 16, (short) (IFF_TAP | IFF_NO_PI));
            int wake = -1;
            try {
                if ((int) Native.IOCTL.invokeExact(errno, fd, TUNSETIFF, ifreq) < 0) {
                    throw failure(name, "TUNSETIFF", Native.errno(errno));
                }
                wake = (int) Native.EVENTFD.invokeExact(errno, 0, EFD_CLOEXEC);
                if (wake < 0) {
                    throw failure(name, "eventfd", Native.errno(errno));
                }
                HostTap tap = new HostTap(name, fd, wake, fromHost);
                tap.reader.start();
                return tap;
            } catch (GunyahException | RuntimeException | Error e) {
                Native.close(fd);
                if (wake >= 0) {
                    Native.close(wake);
                }
                throw e;
            }
        } catch (GunyahException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
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
            try {
                long n = (long) Native.WRITE.invokeExact(writeErrno, fd, toHost, (long) frame.length);
                if (n != frame.length) {
                    dropped.incrementAndGet();
                }
            } catch (Throwable t) {
                dropped.incrementAndGet();
            }
        }
    }

    private void read(Consumer<byte[]> fromHost) {
        try (Arena own = Arena.ofConfined()) {
            MemorySegment frame = own.allocate(FRAME_MAX);
            MemorySegment errno = own.allocate(Native.CAPTURE);
            MemorySegment fds = own.allocate(16);
            fds.set(JAVA_INT, 0, fd);
            fds.set(JAVA_SHORT, 4, POLLIN);
            fds.set(JAVA_INT, 8, wake);
            fds.set(JAVA_SHORT, 12, POLLIN);
            while (!closed) {
                fds.set(JAVA_SHORT, 6, (short) 0);
                fds.set(JAVA_SHORT, 14, (short) 0);
                int ready = (int) Native.POLL.invokeExact(errno, fds, 2L, -1);
                if (ready < 0 && Native.errno(errno) != EINTR) {
                    LOG.log(
                            Level.WARNING,
                            "TAP {0}: poll failed (errno {1}); no more frames from the host",
                            name,
                            Native.errno(errno));
                    return;
                }
                if (fds.get(JAVA_SHORT, 14) != 0) {
                    return; // closing
                }
                short events = fds.get(JAVA_SHORT, 6);
                if ((events & ~POLLIN) != 0) {
                    LOG.log(
                            Level.WARNING,
                            "TAP {0}: the interface went away (poll events 0x{1}); no more frames from the host",
                            name,
                            Integer.toHexString(events));
                    return;
                }
                while (!closed) {
                    long n = (long) Native.READ.invokeExact(errno, fd, frame, FRAME_MAX);
                    if (n < 0) {
                        if (Native.errno(errno) != EAGAIN && Native.errno(errno) != EINTR) {
                            LOG.log(Level.WARNING, "TAP {0}: read failed (errno {1})", name, Native.errno(errno));
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
            long ignored = (long) Native.WRITE.invokeExact(call.allocate(Native.CAPTURE), wake, one, 8L);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "TAP {0}: could not wake its reader: {1}", name, t.toString());
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
            Native.close(fd);
            Native.close(wake);
            if (!reader.isAlive()) {
                arena.close(); // else the reader may still touch it: left to the collector
            }
        }
    }

    /** The libc calls, each capturing errno. */
    private static final class Native {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
        static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
        static final MethodHandle OPEN =
                find("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
        static final MethodHandle IOCTL = find(
                "ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
        static final MethodHandle EVENTFD = find("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle READ = find("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle WRITE = find("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle POLL = find("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle CLOSE = find("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

        private static MethodHandle find(String name, FunctionDescriptor d, Linker.Option... options) {
            Linker.Option[] all = Arrays.copyOf(options, options.length + 1);
            all[options.length] = CAPTURE_ERRNO;
            return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), d, all);
        }

        static int errno(MemorySegment capture) {
            return (int) ERRNO.get(capture, 0L);
        }

        static void close(int fd) {
            try (Arena call = Arena.ofConfined()) {
                int ignored = (int) CLOSE.invokeExact(call.allocate(CAPTURE), fd);
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "close({0}) failed: {1}", fd, t.toString());
            }
        }
    }
}
