package org.gunyah.vmm.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;

/**
 * The libc calls native bundles make (the KVM backend, a TAP uplink), as downcalls of the Foreign Function &amp; Memory API, each
 * capturing errno right after the call. Hot paths (KVM_RUN, eventfd reads and writes) pass their
 * own capture segment, allocated once per thread or per object, so that no call allocates.
 * None is {@code critical}: a thread inside KVM_RUN must not hold up the JVM's safepoints.
 */
public final class Libc {
    public static final int O_RDWR = 02;
    public static final int O_NONBLOCK = 04000;
    public static final int O_CLOEXEC = 02000000;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int SIGURG = 23;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int EFD_NONBLOCK = 04000;
    public static final int EFD_SEMAPHORE = 1;
    public static final int EFD_CLOEXEC = 02000000;
    public static final short POLLIN = 1;
    public static final short POLLOUT = 4;
    public static final int SIG_BLOCK = 0;
    /** glibc's sigset_t: 1024 bits. */
    public static final long SIGSET_SIZE = 128;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // Each downcall handle is made on first use, in its own holder class: making one costs a few
    // milliseconds, and the probe at boot needs only open, ioctl and close.
    private static final class Open {
        static final MethodHandle H =
                find("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    }

    private static final class Close {
        static final MethodHandle H = find("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class IoctlLong {
        static final MethodHandle H = find(
                "ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class IoctlPtr {
        static final MethodHandle H = find(
                "ioctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Mmap {
        static final MethodHandle H = find(
                "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    }

    private static final class Munmap {
        static final MethodHandle H = find("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Read {
        static final MethodHandle H = find("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Write {
        static final MethodHandle H = find("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    }

    private static final class Eventfd {
        static final MethodHandle H = find("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    }

    private static final class Poll {
        static final MethodHandle H = find("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    }

    private static final class PthreadSelf {
        static final MethodHandle H = LINKER.downcallHandle(
                LINKER.defaultLookup().find("pthread_self").orElseThrow(), FunctionDescriptor.of(JAVA_LONG));
    }

    private static final class PthreadKill {
        static final MethodHandle H = LINKER.downcallHandle(
                LINKER.defaultLookup().find("pthread_kill").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    }

    private static final class PthreadSigmask {
        static final MethodHandle H = LINKER.downcallHandle(
                LINKER.defaultLookup().find("pthread_sigmask").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    private static final class EpollCreate1 {
        static final MethodHandle H = find("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static final class EpollCtl {
        static final MethodHandle H =
                find("epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    private static final class EpollWait {
        static final MethodHandle H =
                find("epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    }

    private static final class Dup {
        static final MethodHandle H = find(
                "fcntl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class Sigtimedwait {
        static final MethodHandle H = find("sigtimedwait", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    }

    private static final ThreadLocal<MemorySegment> THREAD_CAPTURE = ThreadLocal.withInitial(Libc::newCapture);

    private Libc() {}

    private static MethodHandle find(String name, FunctionDescriptor fd, Linker.Option... options) {
        Linker.Option[] all = new Linker.Option[options.length + 1];
        all[0] = CAPTURE_ERRNO;
        System.arraycopy(options, 0, all, 1, options.length);
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), fd, all);
    }

    /** A capture segment for one thread or one object's hot path. */
    public static MemorySegment newCapture() {
        return Arena.ofAuto().allocate(CAPTURE);
    }

    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    private static MemorySegment capture() {
        return THREAD_CAPTURE.get();
    }

    // calls that report failure as an exception: the control path

    public static int open(String path, int flags) throws GunyahException {
        MemorySegment c = capture();
        return check(open(c, path, flags), c, "open " + path);
    }

    /** open(2) for callers that name their own failures: the fd, or -1 with errno in {@code capture}. */
    public static int open(MemorySegment capture, String path, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return (int) Open.H.invokeExact(capture, a.allocateFrom(path), flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static void close(int fd) {
        try {
            int rc = (int) Close.H.invokeExact(capture(), fd);
            assert rc == 0 || rc == -1;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** ioctl with an integer argument: the result, or the errno as an exception naming {@code what}. */
    public static int ioctl(int fd, long request, long arg, String what) throws GunyahException {
        MemorySegment c = capture();
        return check(ioctl(c, fd, request, arg), c, what);
    }

    public static int ioctl(int fd, long request, MemorySegment arg, String what) throws GunyahException {
        MemorySegment c = capture();
        return check(ioctl(c, fd, request, arg), c, what);
    }

    /** ioctl for hot paths: -1 and errno in {@code capture} on failure. */
    public static int ioctl(MemorySegment capture, int fd, long request, long arg) {
        try {
            return (int) IoctlLong.H.invokeExact(capture, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int ioctl(MemorySegment capture, int fd, long request, MemorySegment arg) {
        try {
            return (int) IoctlPtr.H.invokeExact(capture, fd, request, arg);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** A shared read-write mapping of {@code fd}, or of anonymous memory when fd is -1. */
    public static MemorySegment mmap(long length, int fd, String what) throws GunyahException {
        return map(length, MAP_SHARED | (fd < 0 ? MAP_ANONYMOUS : 0), fd, what).reinterpret(length);
    }

    /** A read-write mapping of {@code length} bytes with {@code flags}: its address, zero-length. */
    private static MemorySegment map(long length, int flags, int fd, String what) throws GunyahException {
        MemorySegment c = capture();
        MemorySegment p;
        try {
            p = (MemorySegment)
                    Mmap.H.invokeExact(c, MemorySegment.NULL, length, PROT_READ | PROT_WRITE, flags, fd, 0L);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
        if (p.address() == -1L) {
            throw error(errno(c), what);
        }
        return p;
    }

    /**
     * {@code length} bytes of private anonymous memory, zero and not yet backed by the host: pages
     * take memory as they are first touched. The segment belongs to {@code arena}: closing it
     * makes every access fail first and then unmaps the memory.
     */
    public static MemorySegment mmapAnonymous(long length, Arena arena, String what) throws GunyahException {
        return map(length, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, what)
                .reinterpret(length, arena, Libc::munmap);
    }

    public static void munmap(MemorySegment mapping) {
        try {
            int rc = (int) Munmap.H.invokeExact(capture(), mapping, mapping.byteSize());
            assert rc == 0;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /**
     * fcntl(F_DUPFD_CLOEXEC): another fd for the same open file. KVM finds its irqfds and
     * ioeventfds by the eventfd behind an fd, so a binding kept with its own duplicate can always
     * be undone, even after the caller closed the fd it bound (whose number may be reused).
     */
    public static int dup(int fd) throws GunyahException {
        MemorySegment c = capture();
        try {
            return check((int) Dup.H.invokeExact(c, fd, F_DUPFD_CLOEXEC, 3), c, "fcntl(F_DUPFD_CLOEXEC)");
        } catch (GunyahException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int eventfd(int initval, int flags) throws GunyahException {
        MemorySegment c = capture();
        return check(eventfd(c, initval, flags), c, "eventfd");
    }

    /** eventfd(2) for callers that name their own failures: the fd, or -1 with errno in {@code capture}. */
    public static int eventfd(MemorySegment capture, int initval, int flags) {
        try {
            return (int) Eventfd.H.invokeExact(capture, initval, flags);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** read(2) for hot paths: bytes read, or -1 with errno in {@code capture}. */
    public static long read(MemorySegment capture, int fd, MemorySegment buffer) {
        try {
            return (long) Read.H.invokeExact(capture, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static long write(MemorySegment capture, int fd, MemorySegment buffer) {
        try {
            return (long) Write.H.invokeExact(capture, fd, buffer, buffer.byteSize());
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** poll(2) on {@code pollfds} (struct pollfd[]): ready count, or -1 with errno in {@code capture}. */
    public static int poll(MemorySegment capture, MemorySegment pollfds, int timeoutMillis) {
        try {
            return (int) Poll.H.invokeExact(capture, pollfds, pollfds.byteSize() / 8, timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static long pthreadSelf() {
        try {
            return (long) PthreadSelf.H.invokeExact();
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** pthread_kill: 0, or the error number. */
    public static int pthreadKill(long thread, int signal) {
        try {
            return (int) PthreadKill.H.invokeExact(thread, signal);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** pthread_sigmask: 0, or the error number; {@code old} may be NULL. */
    public static int pthreadSigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            return (int) PthreadSigmask.H.invokeExact(how, set, old);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** sigtimedwait with a zero timeout: the signal taken, or -1 (EAGAIN when none was pending). */
    public static int sigtimedwait(MemorySegment capture, MemorySegment set, MemorySegment zeroTimespec) {
        try {
            return (int) Sigtimedwait.H.invokeExact(capture, set, MemorySegment.NULL, zeroTimespec);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static final int EPOLL_CTL_ADD = 1;
    public static final int EPOLL_CTL_DEL = 2;
    public static final int EPOLLIN = 1;
    public static final int EPOLLET = 1 << 31;
    /** {@code struct epoll_event}, packed on x86-64: 12 bytes. */
    public static final java.lang.foreign.StructLayout EPOLL_EVENT = java.lang.foreign.MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), JAVA_LONG.withByteAlignment(4).withName("data"))
            .withName("epoll_event");

    public static int epollCreate() throws GunyahException {
        MemorySegment c = capture();
        try {
            return check((int) EpollCreate1.H.invokeExact(c, O_CLOEXEC), c, "epoll_create1");
        } catch (GunyahException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    /** epoll_ctl: -1 with errno in {@code capture} on failure. */
    public static int epollCtl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EpollCtl.H.invokeExact(capture, epfd, op, fd, event);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int epollWait(MemorySegment capture, int epfd, MemorySegment events, int timeoutMillis) {
        try {
            return (int) EpollWait.H.invokeExact(
                    capture, epfd, events, (int) (events.byteSize() / EPOLL_EVENT.byteSize()), timeoutMillis);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public static int check(int rc, MemorySegment capture, String what) throws GunyahException {
        if (rc < 0) {
            throw error(errno(capture), what);
        }
        return rc;
    }

    /** The errno as our exception: its own Errno where we have one, EIO naming the number otherwise. */
    public static GunyahException error(int errno, String what) {
        for (Errno e : Errno.values()) {
            if (e.number() == errno) {
                return GunyahException.of(e, "%s: %s", what, e.description());
            }
        }
        return GunyahException.of(Errno.EIO, "%s: errno %d", what, errno);
    }
}
