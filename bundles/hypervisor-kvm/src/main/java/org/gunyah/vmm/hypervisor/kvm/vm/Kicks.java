package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.linux.Libc;

/**
 * How a vCPU thread inside KVM_RUN is made to return: Thread.interrupt() does not reach it. The
 * thread keeps {@link #SIGNAL} blocked; KVM_SET_SIGNAL_MASK unblocks it only while the guest runs;
 * a kick sends it with pthread_kill, KVM_RUN returns EINTR, and the thread takes the signal back
 * with a zero-timeout sigtimedwait. No signal handler is involved, so the JVM's are undisturbed.
 */
final class Kicks {
    /**
     * SIGURG, whose default action is to ignore it. Measured here (PVM): a kick that lands while
     * the guest executes is sometimes delivered with KVM's in-guest mask still in force, and with
     * SIGUSR1 (default: terminate) that killed the JVM. An ignored signal is harmless if that
     * happens, and KVM_RUN still returns EINTR for it: while it runs, the thread's own mask (which
     * blocks it) is KVM's "real_blocked", so the kernel queues the signal instead of dropping it.
     */
    static final int SIGNAL = Libc.SIGURG;

    private static final MemorySegment SET;
    private static final MemorySegment ZERO_TIMEOUT;
    private static final ThreadLocal<Boolean> BLOCKED = ThreadLocal.withInitial(() -> false);

    static {
        Arena arena = Arena.global();
        SET = arena.allocate(Libc.SIGSET_SIZE, 8);
        SET.set(JAVA_LONG, 0, 1L << (SIGNAL - 1));
        ZERO_TIMEOUT = arena.allocate(16, 8);
    }

    private Kicks() {}

    /**
     * Blocks the kick signal in the calling thread, once per thread. A virtual thread is refused:
     * it would pin its carrier for the whole run and could move between carriers, and the mask
     * belongs to the carrier.
     */
    static void prepareThread() throws GunyahException {
        if (BLOCKED.get()) {
            return;
        }
        if (Thread.currentThread().isVirtual()) {
            throw GunyahException.of(
                    Errno.EPERM,
                    "a KVM vCPU runs on a platform thread, not on virtual thread %s",
                    Thread.currentThread());
        }
        int rc = Libc.pthreadSigmask(Libc.SIG_BLOCK, SET, MemorySegment.NULL);
        if (rc != 0) {
            throw Libc.error(rc, "pthread_sigmask");
        }
        BLOCKED.set(true);
    }

    /** KVM_SET_SIGNAL_MASK: inside the guest the vCPU has the caller's mask without the kick signal. */
    static void install(int vcpuFd) throws GunyahException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment current = a.allocate(Libc.SIGSET_SIZE, 8);
            int rc = Libc.pthreadSigmask(Libc.SIG_BLOCK, MemorySegment.NULL, current);
            if (rc != 0) {
                throw Libc.error(rc, "pthread_sigmask");
            }
            MemorySegment mask = a.allocate(KvmAbi.SIGNAL_MASK);
            mask.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 8);
            mask.set(JAVA_LONG.withByteAlignment(4), 4, current.get(JAVA_LONG, 0) & ~(1L << (SIGNAL - 1)));
            Libc.ioctl(vcpuFd, KvmAbi.SET_SIGNAL_MASK, mask, "KVM_SET_SIGNAL_MASK");
        }
    }

    static void send(long pthread) {
        Libc.pthreadKill(pthread, SIGNAL);
    }

    /** Takes back every pending kick signal of the calling thread. */
    static void drain(MemorySegment capture) {
        while (Libc.sigtimedwait(capture, SET, ZERO_TIMEOUT) == SIGNAL) {
            // one per pending kick; signals do not queue, so this ends at once
        }
    }
}
