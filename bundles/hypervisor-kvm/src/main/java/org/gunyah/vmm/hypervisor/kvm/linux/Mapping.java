package org.gunyah.vmm.hypervisor.kvm.linux;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;

/** A shared mapping of an fd (a vCPU's kvm_run), unmapped exactly once by {@link #close}. */
public final class Mapping implements AutoCloseable {
    private final MemorySegment segment;
    private final AtomicBoolean unmapped = new AtomicBoolean();

    private Mapping(MemorySegment segment) {
        this.segment = segment;
    }

    /** mmap of {@code length} bytes of {@code fd}, read-write and shared; {@code what} names it in errors. */
    public static Mapping of(Fd fd, long length, String what) throws GunyahException {
        return new Mapping(Libc.mmap(length, fd.value(), what));
    }

    /** The mapped bytes; touching them after {@link #close} crashes the JVM, so owners close last. */
    public MemorySegment segment() {
        return segment;
    }

    @Override
    public void close() {
        if (unmapped.compareAndSet(false, true)) {
            Libc.munmap(segment);
        }
    }
}
