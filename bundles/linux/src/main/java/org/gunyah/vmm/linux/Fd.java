package org.gunyah.vmm.linux;

import java.util.concurrent.atomic.AtomicBoolean;
import org.gunyah.vmm.api.GunyahException;

/**
 * A file descriptor this process owns (a /dev/kvm, VM, vCPU, eventfd or epoll fd): closed exactly
 * once, by {@link #close}, so that no path closes a number twice (the second close could hit an
 * unrelated fd that reused it) and none forgets to. The number is valid until then.
 */
public final class Fd implements AutoCloseable {
    private final int value;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Fd(int value) {
        this.value = value;
    }

    /** Takes ownership of an fd a call returned (KVM_CREATE_VM, KVM_CREATE_VCPU, ...). */
    public static Fd adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("not a file descriptor: " + fd);
        }
        return new Fd(fd);
    }

    public static Fd open(String path, int flags) throws GunyahException {
        return new Fd(Libc.open(path, flags));
    }

    public static Fd eventfd(int initval, int flags) throws GunyahException {
        return new Fd(Libc.eventfd(initval, flags));
    }

    public static Fd epoll() throws GunyahException {
        return new Fd(Libc.epollCreate());
    }

    /** Another fd for the same open file (close-on-exec), owned separately. */
    public Fd duplicate() throws GunyahException {
        return new Fd(Libc.dup(value));
    }

    public int value() {
        return value;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.close(value);
        }
    }

    @Override
    public String toString() {
        return "fd " + value + (closed.get() ? " (closed)" : "");
    }
}
