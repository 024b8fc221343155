package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.eventfd.KernelEventFd;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;

/**
 * A doorbell as a GSI of KVM's in-kernel IOAPIC: SPI n of the VM's devicetree is GSI
 * {@link #FIRST_GSI} + n (IOAPIC pins 16..23, which no ISA device shares, so a guest that leaves
 * the 8259 PIC alone never sees them there). The guest routes the pin to a CPU and vector in its
 * IOAPIC redirection entry, as on any PC; the devicetree's target-cpu is not used.
 *
 * <p>{@code send} writes the doorbell's own eventfd, bound to the GSI with KVM_IRQFD, so an edge
 * is one syscall from any thread. {@code setMask(1, 1)} makes it level: the irqfd is bound again
 * with a resample eventfd, so the line stays up until the guest's EOI. Other masks are refused.
 * {@link #bindEventFd} binds a caller's kernel eventfd the same way (the irqfd fast path), and for
 * a resampled irqfd gives KVM the caller's resample eventfd, which KVM signals at each EOI. Without
 * a binding there is no word of the EOI here: {@code onAcknowledge} is not offered.
 */
final class KvmDoorbell implements HypervisorDoorbell {
    private static final Logger LOG = System.getLogger(KvmDoorbell.class.getName());
    static final int FIRST_GSI = 16;
    static final int MAX_SPI = 7;

    private final KvmVm vm;
    private final Fd vmFd;
    private final int label;
    private final long capId;
    private final int gsi;
    private final Fd bell;
    private final MemorySegment capture = Libc.newCapture();
    private final MemorySegment one;
    /** struct kvm_irqfd, filled and passed under this doorbell's monitor (every KVM_IRQFD call holds it). */
    private final MemorySegment irqfd;

    private final List<Registration> bindings = new ArrayList<>();
    private Fd resample;
    private boolean closed;

    KvmDoorbell(KvmVm vm, Fd vmFd, int label, long capId, int spi) throws GunyahException {
        this.vm = vm;
        this.vmFd = vmFd;
        this.label = label;
        this.capId = capId;
        this.gsi = FIRST_GSI + spi;
        Arena arena = Arena.ofAuto();
        this.one = arena.allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        this.irqfd = arena.allocate(KvmAbi.IRQFD);
        this.bell = Fd.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try {
            synchronized (this) {
                irqfd(bell, 0, null, "KVM_IRQFD");
            }
        } catch (GunyahException e) {
            bell.close();
            throw e;
        }
    }

    @Override
    public ResourceType type() {
        return ResourceType.BELL_TX;
    }

    @Override
    public int label() {
        return label;
    }

    @Override
    public long capId() {
        return capId;
    }

    /** The GSI (IOAPIC pin) the doorbell raises. */
    @Override
    public int virq() {
        return gsi;
    }

    @Override
    public void send(long flags) throws GunyahException {
        if (!vm.isRunning()) {
            throw GunyahException.of(Errno.ENODEV, "doorbell %d (cap 0x%x): VM is not running", label, capId);
        }
        if (flags != 0 && Libc.write(capture, bell.value(), one) < 0 && Libc.errno(capture) != Libc.EAGAIN) {
            throw Libc.error(Libc.errno(capture), "doorbell " + label + ": eventfd write");
        }
    }

    @Override
    public synchronized void setMask(long enableMask, long ackMask) throws GunyahException {
        if (enableMask != 1 || ackMask != 1) {
            throw GunyahException.of(
                    Errno.EINVAL,
                    "doorbell %d: KVM doorbells take setMask(1, 1) only (level until the guest's EOI), not (0x%x,"
                            + " 0x%x)",
                    label,
                    enableMask,
                    ackMask);
        }
        if (resample != null || closed) {
            return;
        }
        Fd r = Fd.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try {
            irqfd(bell, KvmAbi.IRQFD_FLAG_DEASSIGN, null, "KVM_IRQFD deassign");
            irqfd(bell, KvmAbi.IRQFD_FLAG_RESAMPLE, r, "KVM_IRQFD with resample");
            resample = r;
        } catch (GunyahException e) {
            r.close();
            throw e;
        }
    }

    /**
     * KVM_IRQFD of the caller's eventfd; for level, with {@code resample} as KVM's resamplefd when
     * given (else one of ours that nobody reads: KVM needs one to deassert at EOI). Both must be
     * kernel eventfds, else declined.
     */
    @Override
    public synchronized Optional<Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample)
            throws GunyahException {
        if (!(source instanceof KernelEventFd k) || closed) {
            return Optional.empty();
        }
        if (resample.isPresent() && (!level || !(resample.get() instanceof KernelEventFd))) {
            return Optional.empty();
        }
        // our own fds for the eventfds: the deassign below must find them even after their owner closed them
        Fd kernelFd = k.duplicateKernelFd();
        Fd resampleFd = null;
        try {
            if (resample.isPresent()) {
                resampleFd = ((KernelEventFd) resample.get()).duplicateKernelFd();
            } else if (level) {
                resampleFd = Fd.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            }
            irqfd(kernelFd, level ? KvmAbi.IRQFD_FLAG_RESAMPLE : 0, resampleFd, "KVM_IRQFD for " + source);
        } catch (GunyahException e) {
            closeAll(kernelFd, resampleFd);
            throw e;
        }
        Registration r = new Binding(kernelFd, resampleFd, source.toString());
        bindings.add(r);
        return Optional.of(r);
    }

    /** A caller's eventfd bound to the GSI, with the fds this doorbell owns for it. */
    private final class Binding implements Registration {
        private final Fd kernelFd;
        private final Fd resampleFd;
        private final String source;
        private boolean done;

        Binding(Fd kernelFd, Fd resampleFd, String source) {
            this.kernelFd = kernelFd;
            this.resampleFd = resampleFd;
            this.source = source;
        }

        @Override
        public void close() {
            synchronized (KvmDoorbell.this) {
                if (done) {
                    return;
                }
                done = true;
                bindings.remove(this);
                deassign(kernelFd, source);
                closeAll(kernelFd, resampleFd);
            }
        }
    }

    private void irqfd(Fd fd, int flags, Fd resampleFd, String what) throws GunyahException {
        irqfd.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "fd"), fd.value());
        irqfd.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "gsi"), gsi);
        irqfd.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "flags"), flags);
        irqfd.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "resamplefd"), resampleFd == null ? 0 : resampleFd.value());
        if (Libc.ioctl(capture, vmFd.value(), KvmAbi.IRQFD_IOCTL, irqfd) < 0) {
            throw Libc.error(Libc.errno(capture), "doorbell " + label + " (GSI " + gsi + "): " + what);
        }
    }

    /**
     * Unbinds {@code fd} from the GSI. It cannot fail while the VM's fd is open and the binding
     * exists; if it does, KVM would go on injecting for it, so say so rather than stay silent.
     */
    private void deassign(Fd fd, String what) {
        try {
            irqfd(fd, KvmAbi.IRQFD_FLAG_DEASSIGN, null, "KVM_IRQFD deassign of " + what);
        } catch (GunyahException e) {
            LOG.log(Level.WARNING, "{0}; it may still raise the interrupt", e.getMessage());
        }
    }

    private static void closeAll(Fd... fds) {
        for (Fd fd : fds) {
            if (fd != null) {
                fd.close();
            }
        }
    }

    /** Unbinds everything from the GSI and closes the doorbell's eventfds. */
    void close() {
        List<Registration> left;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            left = List.copyOf(bindings);
        }
        left.forEach(Registration::close);
        synchronized (this) {
            deassign(bell, "the doorbell's eventfd");
            closeAll(bell, resample);
        }
    }
}
