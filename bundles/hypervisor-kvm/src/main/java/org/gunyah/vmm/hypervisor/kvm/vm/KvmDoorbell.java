package org.gunyah.vmm.hypervisor.kvm.vm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
import org.gunyah.vmm.hypervisor.kvm.linux.Libc;
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
 * {@link #bindEventFd} binds a caller's kernel eventfd the same way (the irqfd fast path).
 */
final class KvmDoorbell implements HypervisorDoorbell {
    static final int FIRST_GSI = 16;
    static final int MAX_SPI = 7;

    private final KvmVm vm;
    private final int vmFd;
    private final int label;
    private final long capId;
    private final int gsi;
    private final int bellFd;
    private final MemorySegment capture = Libc.newCapture();
    private final MemorySegment one;
    private final List<Registration> bindings = new ArrayList<>();
    private int resampleFd = -1;
    private boolean closed;

    KvmDoorbell(KvmVm vm, int vmFd, int label, long capId, int spi) throws GunyahException {
        this.vm = vm;
        this.vmFd = vmFd;
        this.label = label;
        this.capId = capId;
        this.gsi = FIRST_GSI + spi;
        this.one = Arena.ofAuto().allocate(JAVA_LONG);
        one.set(JAVA_LONG, 0, 1L);
        this.bellFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try {
            irqfd(bellFd, 0, -1, "KVM_IRQFD");
        } catch (GunyahException e) {
            Libc.close(bellFd);
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
        if (flags != 0 && Libc.write(capture, bellFd, one) < 0 && Libc.errno(capture) != Libc.EAGAIN) {
            throw Libc.error(Libc.errno(capture), "doorbell " + label + ": eventfd write");
        }
    }

    @Override
    public synchronized void setMask(long enableMask, long ackMask) throws GunyahException {
        if (enableMask != 1 || ackMask != 1) {
            throw GunyahException.of(Errno.EINVAL, "doorbell %d: KVM doorbells take setMask(1, 1) only (level until the guest's EOI), not (0x%x, 0x%x)",
                    label, enableMask, ackMask);
        }
        if (resampleFd >= 0 || closed) {
            return;
        }
        int resample = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        try {
            irqfd(bellFd, KvmAbi.IRQFD_FLAG_DEASSIGN, -1, "KVM_IRQFD deassign");
            irqfd(bellFd, KvmAbi.IRQFD_FLAG_RESAMPLE, resample, "KVM_IRQFD with resample");
            resampleFd = resample;
        } catch (GunyahException e) {
            Libc.close(resample);
            throw e;
        }
    }

    @Override
    public synchronized Optional<Registration> bindEventFd(EventFd source, boolean level) throws GunyahException {
        if (!(source instanceof KernelEventFd k) || closed) {
            return Optional.empty();
        }
        // our own fd for the eventfd: the deassign below must find it even after its owner closed it
        int kernelFd = k.duplicateKernelFd();
        int resample = -1;
        try {
            resample = level ? Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC) : -1;
            irqfd(kernelFd, level ? KvmAbi.IRQFD_FLAG_RESAMPLE : 0, resample, "KVM_IRQFD for " + source);
        } catch (GunyahException e) {
            if (resample >= 0) {
                Libc.close(resample);
            }
            Libc.close(kernelFd);
            throw e;
        }
        int resampleFd = resample;
        Registration r = new Registration() {
            private boolean done;

            @Override
            public void close() {
                synchronized (KvmDoorbell.this) {
                    if (done) {
                        return;
                    }
                    done = true;
                    bindings.remove(this);
                    Libc.ioctl(capture, vmFd, KvmAbi.IRQFD_IOCTL, irqfdStruct(kernelFd, KvmAbi.IRQFD_FLAG_DEASSIGN, -1));
                    Libc.close(kernelFd);
                    if (resampleFd >= 0) {
                        Libc.close(resampleFd);
                    }
                }
            }
        };
        bindings.add(r);
        return Optional.of(r);
    }

    private void irqfd(int fd, int flags, int resample, String what) throws GunyahException {
        if (Libc.ioctl(capture, vmFd, KvmAbi.IRQFD_IOCTL, irqfdStruct(fd, flags, resample)) < 0) {
            throw Libc.error(Libc.errno(capture), "doorbell " + label + " (GSI " + gsi + "): " + what);
        }
    }

    private MemorySegment irqfdStruct(int fd, int flags, int resample) {
        MemorySegment s = Arena.ofAuto().allocate(KvmAbi.IRQFD);
        s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "fd"), fd);
        s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "gsi"), gsi);
        s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "flags"), flags);
        s.set(JAVA_INT, KvmAbi.offset(KvmAbi.IRQFD, "resamplefd"), Math.max(resample, 0));
        return s;
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
            Libc.ioctl(capture, vmFd, KvmAbi.IRQFD_IOCTL, irqfdStruct(bellFd, KvmAbi.IRQFD_FLAG_DEASSIGN, -1));
            Libc.close(bellFd);
            if (resampleFd >= 0) {
                Libc.close(resampleFd);
            }
        }
    }
}
