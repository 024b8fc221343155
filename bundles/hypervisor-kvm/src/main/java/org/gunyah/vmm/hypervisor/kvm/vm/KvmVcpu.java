package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.hypervisor.kvm.linux.Mapping;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.hypervisor.HypervisorVcpu;

/**
 * A KVM vCPU as a Gunyah VCPU resource: {@code vcpu_run} is one KVM_RUN. MMIO exits are reported as
 * Gunyah's MMIO states; port I/O as {@link VcpuRunResult.PortIo}, except a 4-byte write to
 * {@link #EXIT_PORT}, the guest's exit call (its value is the exit code). With the in-kernel
 * irqchip HLT waits inside KVM, so this vCPU never reports EXPECTS_WAKEUP; a triple fault, an
 * entry failure or an instruction KVM cannot emulate crash the VM.
 */
final class KvmVcpu implements HypervisorVcpu {
    private static final Logger LOG = System.getLogger(KvmVcpu.class.getName());
    /** Port 0xf4, as QEMU's isa-debug-exit: {@code out %eax, $0xf4} ends the guest with code eax. */
    static final int EXIT_PORT = 0xf4;
    /** How long closing waits for a run in progress on another thread to return. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private enum Pending {
        NONE,
        MMIO_READ,
        PORT_READ
    }

    private final KvmVm vm;
    private final int label;
    private final long capId;
    private final Fd fd;
    private final Mapping runMapping;
    /** kvm_run, valid until {@link #close} unmaps it. */
    private final MemorySegment run;

    private final MemorySegment capture = Libc.newCapture();
    /**
     * Serialises kickers and the closer among themselves; the runner never takes it on its way in
     * and out of KVM_RUN (it did, twice a run, when it guarded the state below), only to wake a
     * closer that waits for it. A lock with a condition because {@link #close} waits.
     */
    private final ReentrantLock kickLock = new ReentrantLock();
    /** Signalled when a run that a closer waits for leaves: see {@link #CLOSING}. */
    private final Condition runnerLeft = kickLock.newCondition();

    /**
     * The run's state between the runner, kickers and the closer, changed by compare-and-set: a
     * run enters with one and leaves with one.
     */
    private volatile int state;
    /** A runner is between its entry and its exit: kvm_run is in use and stays mapped. */
    private static final int IN_RUN = 1;
    /** A kick not yet taken: the next run returns READY (immediate_exit is set with it). */
    private static final int KICKED = 2;
    /** A kicker is sending the signal to the runner, which waits for it before leaving. */
    private static final int KICKING = 4;
    /** A closer waits for the runner to leave: the runner wakes it. */
    private static final int CLOSING = 8;
    /** Closed: no run enters, kvm_run may be unmapped. */
    private static final int CLOSED = 16;

    /** Spins on a kicker's signal before yielding: a few microseconds, longer than the signal. */
    private static final int KICKER_SPINS = 1_000;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(KvmVcpu.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The pthread of the runner inside; written before the entry that publishes it. */
    private long runningThread;

    private volatile boolean poweredOff;
    private volatile Runnable wakeup;
    private Pending pending = Pending.NONE;
    /** The thread that ran this vCPU last, and its pthread: looked up once, not on every run. */
    private Thread runner;

    private long runnerPthread;
    private int pendingLength;

    KvmVcpu(KvmVm vm, Fd vmFd, int label, long capId, long mmapSize, long entry, long dtbAddress)
            throws GunyahException {
        this.vm = vm;
        this.label = label;
        this.capId = capId;
        this.fd = Fd.adopt(Libc.ioctl(vmFd.value(), KvmAbi.CREATE_VCPU, label, "KVM_CREATE_VCPU " + label));
        Mapping mapping = null;
        try {
            mapping = Mapping.of(fd, mmapSize, "mmap of kvm_run for vCPU " + label);
            X86Entry.apply(fd.value(), entry, label, dtbAddress);
            Kicks.install(fd.value());
        } catch (GunyahException | RuntimeException e) {
            if (mapping != null) {
                mapping.close();
            }
            fd.close();
            throw e;
        }
        this.runMapping = mapping;
        this.run = mapping.segment();
    }

    @Override
    public ResourceType type() {
        return ResourceType.VCPU;
    }

    @Override
    public int label() {
        return label;
    }

    @Override
    public long capId() {
        return capId;
    }

    @Override
    public int virq() {
        return -1;
    }

    @Override
    public VcpuRunResult run() throws GunyahException {
        if (poweredOff || !vm.isRunning()) {
            return VcpuRunResult.POWERED_OFF;
        }
        if (pending != Pending.NONE) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "vCPU %d: the %s must be resumed before running again",
                    label,
                    pending == Pending.MMIO_READ ? "MMIO read" : "port read");
        }
        Thread current = Thread.currentThread();
        if (current != runner) {
            Kicks.prepareThread();
            runner = current;
            runnerPthread = Libc.pthreadSelf();
        }
        runningThread = runnerPthread;
        int entered;
        do {
            entered = state;
            if ((entered & CLOSED) != 0) {
                return VcpuRunResult.POWERED_OFF;
            }
        } while (!STATE.compareAndSet(this, entered, entered | IN_RUN));
        // Inside: kvm_run stays mapped until leave() below.
        boolean takeKick = true;
        try {
            if ((entered & KICKED) != 0) {
                run.set(JAVA_BYTE, KvmAbi.RUN_IMMEDIATE_EXIT, (byte) 0);
                return VcpuRunResult.READY;
            }
            if (Libc.ioctl(capture, fd.value(), KvmAbi.RUN, 0L) >= 0) {
                takeKick = false;
                return exit(run.get(JAVA_INT, KvmAbi.RUN_EXIT_REASON));
            }
            int err = Libc.errno(capture);
            if (err != Libc.EINTR && err != Libc.EAGAIN) {
                takeKick = false;
                throw Libc.error(err, "KVM_RUN on vCPU " + label);
            }
            Kicks.drain(capture);
            run.set(JAVA_BYTE, KvmAbi.RUN_IMMEDIATE_EXIT, (byte) 0);
            return poweredOff || !vm.isRunning() ? VcpuRunResult.POWERED_OFF : VcpuRunResult.READY;
        } finally {
            leave(takeKick);
        }
    }

    /**
     * The run is over: only now may close() unmap kvm_run (the exit was read from it). A run that
     * returned for a kick takes it (a kick that lands meanwhile is answered by the same return); a
     * kicker still sending the signal is waited for, so that it never signals a thread that left.
     */
    private void leave(boolean takeKick) {
        int mask = takeKick ? ~(IN_RUN | KICKED) : ~IN_RUN;
        int s;
        int spins = 0;
        while (true) {
            s = state;
            if ((s & KICKING) != 0) {
                // The kicker is one pthread_kill from done, unless it lost its core: then spinning
                // would only keep it off, so after a short spin the runner gives its time up.
                if (++spins < KICKER_SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            } else if (STATE.compareAndSet(this, s, s & mask)) {
                break;
            }
        }
        if ((s & CLOSING) != 0) {
            kickLock.lock();
            try {
                runnerLeft.signalAll();
            } finally {
                kickLock.unlock();
            }
        }
    }

    private VcpuRunResult exit(int reason) throws GunyahException {
        switch (reason) {
            case KvmAbi.EXIT_MMIO -> {
                long address = run.get(JAVA_LONG, KvmAbi.RUN_MMIO_PHYS_ADDR);
                int length = run.get(JAVA_INT, KvmAbi.RUN_MMIO_LEN);
                if (run.get(JAVA_BYTE, KvmAbi.RUN_MMIO_IS_WRITE) != 0) {
                    return new VcpuRunResult.MmioWrite(address, length, little(run, KvmAbi.RUN_MMIO_DATA, length));
                }
                pending = Pending.MMIO_READ;
                pendingLength = length;
                return new VcpuRunResult.MmioRead(address, length);
            }
            case KvmAbi.EXIT_IO -> {
                return portIo();
            }
            case KvmAbi.EXIT_INTR, KvmAbi.EXIT_HLT -> {
                return VcpuRunResult.READY;
            }
            case KvmAbi.EXIT_SHUTDOWN -> {
                return crash("triple fault (KVM_EXIT_SHUTDOWN) at " + rip());
            }
            case KvmAbi.EXIT_FAIL_ENTRY -> {
                return crash(String.format(
                        "KVM_EXIT_FAIL_ENTRY, hardware reason 0x%x", run.get(JAVA_LONG, KvmAbi.RUN_FAIL_ENTRY_REASON)));
            }
            case KvmAbi.EXIT_INTERNAL_ERROR -> {
                return crash(String.format(
                        "KVM_EXIT_INTERNAL_ERROR, suberror %d (1: an instruction KVM cannot emulate) at %s",
                        run.get(JAVA_INT, KvmAbi.RUN_INTERNAL_SUBERROR), rip()));
            }
            case KvmAbi.EXIT_SYSTEM_EVENT -> {
                vm.guestExited(new ExitInfo(ExitInfo.PSCI_POWER_OFF, new byte[0]));
                return VcpuRunResult.POWERED_OFF;
            }
            default -> {
                return crash("unexpected KVM exit reason " + reason + " at " + rip());
            }
        }
    }

    private VcpuRunResult portIo() throws GunyahException {
        boolean write = run.get(JAVA_BYTE, KvmAbi.RUN_IO_DIRECTION) == KvmAbi.EXIT_IO_OUT;
        int size = run.get(JAVA_BYTE, KvmAbi.RUN_IO_SIZE);
        int port = Short.toUnsignedInt(run.get(JAVA_SHORT, KvmAbi.RUN_IO_PORT));
        int count = run.get(JAVA_INT, KvmAbi.RUN_IO_COUNT);
        long dataOffset = run.get(JAVA_LONG, KvmAbi.RUN_IO_DATA_OFFSET);
        if (count != 1) {
            return crash(
                    String.format("string port I/O (%d x %d bytes at port 0x%x) is not supported", count, size, port));
        }
        if (!write) {
            pending = Pending.PORT_READ;
            pendingLength = size;
            return new VcpuRunResult.PortIo(port, size, false, 0);
        }
        long value = little(run, dataOffset, size);
        if (port == EXIT_PORT && size == 4) {
            vm.guestExited(ExitInfo.withCode(ExitInfo.VM_EXIT, value));
            return VcpuRunResult.POWERED_OFF;
        }
        return new VcpuRunResult.PortIo(port, size, true, value);
    }

    private VcpuRunResult crash(String reason) {
        vm.guestCrashed("vCPU " + label + ": " + reason);
        return VcpuRunResult.POWERED_OFF;
    }

    private String rip() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment regs = a.allocate(KvmAbi.REGS);
            if (Libc.ioctl(capture, fd.value(), KvmAbi.GET_REGS, regs) < 0) {
                return "an unknown rip";
            }
            return String.format("rip 0x%x", regs.get(JAVA_LONG, KvmAbi.offset(KvmAbi.REGS, "rip")));
        }
    }

    private static long little(MemorySegment s, long offset, int length) {
        long v = 0;
        for (int i = Math.min(length, 8) - 1; i >= 0; i--) {
            v = (v << 8) | Byte.toUnsignedLong(s.get(JAVA_BYTE, offset + i));
        }
        return v;
    }

    @Override
    public void resumeMmioRead(long value) throws GunyahException {
        long offset;
        switch (pending) {
            case MMIO_READ -> offset = KvmAbi.RUN_MMIO_DATA;
            case PORT_READ -> offset = run.get(JAVA_LONG, KvmAbi.RUN_IO_DATA_OFFSET);
            default -> throw GunyahException.of(Errno.EINVAL, "vCPU %d has no MMIO read to resume", label);
        }
        for (int i = 0; i < Math.min(pendingLength, 8); i++) {
            run.set(JAVA_BYTE, offset + i, (byte) (value >>> (8 * i)));
        }
        pending = Pending.NONE;
    }

    @Override
    public void setWakeupListener(Runnable listener) {
        this.wakeup = listener;
    }

    @Override
    public void kick() {
        kickLock.lock();
        try {
            if ((state & CLOSED) != 0) {
                return;
            }
            // immediate_exit first: a runner that sees KICKED finds it set
            run.set(JAVA_BYTE, KvmAbi.RUN_IMMEDIATE_EXIT, (byte) 1);
            while (true) {
                int s = state;
                if ((s & IN_RUN) == 0) {
                    if (STATE.compareAndSet(this, s, s | KICKED)) {
                        return;
                    }
                } else if (STATE.compareAndSet(this, s, s | KICKED | KICKING)) {
                    try {
                        Kicks.send(runningThread);
                    } finally {
                        STATE.getAndBitwiseAnd(this, ~KICKING);
                    }
                    return;
                }
            }
        } finally {
            kickLock.unlock();
        }
    }

    /** The VM is down: any run returns POWERED_OFF from now on. */
    void powerOff() {
        poweredOff = true;
        kick();
        Runnable w = wakeup;
        if (w != null) {
            w.run();
        }
    }

    /**
     * Gives the vCPU back to the kernel. A run in progress is kicked and waited for; if it does
     * not return in time the mapping is left in place (a small leak) rather than pulled from
     * under a thread that still reads it.
     */
    void close() {
        powerOff();
        kickLock.lock();
        try {
            STATE.getAndBitwiseOr(this, CLOSING);
            long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
            while (true) {
                int s = state;
                long left = deadline - System.nanoTime();
                if ((s & IN_RUN) == 0 || left <= 0) {
                    // with IN_RUN clear in the same compare-and-set, no run can enter after it
                    if (STATE.compareAndSet(this, s, s | CLOSED)) {
                        break;
                    }
                    continue;
                }
                try {
                    runnerLeft.awaitNanos(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    deadline = System.nanoTime();
                }
            }
            if ((state & IN_RUN) != 0) {
                LOG.log(
                        Level.WARNING,
                        "vCPU {0}: still inside KVM_RUN after {1}; its kvm_run mapping is left",
                        label,
                        CLOSE_WAIT);
            } else {
                runMapping.close();
            }
            fd.close();
        } finally {
            kickLock.unlock();
        }
    }
}
