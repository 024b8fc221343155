package org.gunyah.vmm.hypervisor.kvm.vm;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.kvm.linux.KvmAbi;
import org.gunyah.vmm.linux.Fd;
import org.gunyah.vmm.linux.Libc;

/**
 * /dev/kvm, opened once: checked for the API version and every capability this backend needs,
 * and proven by creating (and closing) a VM with an in-kernel irqchip.
 */
public final class KvmSystem implements AutoCloseable {
    public static final String DEVICE = "/dev/kvm";

    private final Fd fd;
    private final long vcpuMmapSize;

    private KvmSystem(Fd fd, long vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /** Opens and checks /dev/kvm; the exception says what is missing. */
    public static KvmSystem open() throws GunyahException {
        Fd fd = Fd.open(DEVICE, Libc.O_RDWR | Libc.O_CLOEXEC);
        try {
            int version = Libc.ioctl(fd.value(), KvmAbi.GET_API_VERSION, 0, "KVM_GET_API_VERSION");
            if (version != KvmAbi.API_VERSION) {
                throw GunyahException.of(
                        Errno.ENODEV, "%s speaks KVM API %d, not %d", DEVICE, version, KvmAbi.API_VERSION);
            }
            require(fd, KvmAbi.CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
            require(fd, KvmAbi.CAP_IRQCHIP, "KVM_CAP_IRQCHIP");
            require(fd, KvmAbi.CAP_IRQFD, "KVM_CAP_IRQFD");
            require(fd, KvmAbi.CAP_IRQFD_RESAMPLE, "KVM_CAP_IRQFD_RESAMPLE");
            require(fd, KvmAbi.CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD");
            long mmapSize = Libc.ioctl(fd.value(), KvmAbi.GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
            KvmSystem system = new KvmSystem(fd, mmapSize);
            system.createVm().close();
            return system;
        } catch (GunyahException | RuntimeException e) {
            fd.close();
            throw e;
        }
    }

    private static void require(Fd fd, int cap, String name) throws GunyahException {
        if (Libc.ioctl(fd.value(), KvmAbi.CHECK_EXTENSION, cap, "KVM_CHECK_EXTENSION " + name) <= 0) {
            throw GunyahException.of(Errno.ENODEV, "%s lacks %s", DEVICE, name);
        }
    }

    /** A KVM VM fd with its TSS and in-kernel irqchip (PIC, IOAPIC, local APICs) in place. */
    Fd createVm() throws GunyahException {
        Fd vm = Fd.adopt(Libc.ioctl(fd.value(), KvmAbi.CREATE_VM, 0, "KVM_CREATE_VM"));
        try {
            Libc.ioctl(vm.value(), KvmAbi.SET_TSS_ADDR, 0xfffb_d000L, "KVM_SET_TSS_ADDR");
            Libc.ioctl(vm.value(), KvmAbi.CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
            return vm;
        } catch (GunyahException e) {
            vm.close();
            throw e;
        }
    }

    long vcpuMmapSize() {
        return vcpuMmapSize;
    }

    @Override
    public void close() {
        fd.close();
    }
}
