package org.gunyah.vmm.benchmarks.perf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;

/**
 * {@code scale}: {@code vms} VMs, each with a vcpu, an irqfd and an ioeventfd function (and the two
 * eventfds they name), created and started, then torn down; and the Java heap an idle started VM
 * keeps, measured as the heap in use after full collections with all of them alive, less the heap
 * before, divided by their number (guest RAM is native memory and not counted).
 *
 * <pre>Scale &lt;emulated|kvm&gt; &lt;vms&gt;</pre>
 */
public final class Scale {
    static final long RAM = 64 * 1024;

    private Scale() {}

    public static void main(String[] args) throws Exception {
        String backend = args.length > 0 ? args[0] : "emulated";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        KvmHypervisor kvm = backend.equals("kvm") ? KvmHypervisor.open() : null;
        try (TestBed bed = new TestBed(kvm)) {
            bed.provide(FunctionType.VCPU, new VcpuFunction());
            bed.provide(FunctionType.IRQFD, new IrqfdFunction());
            bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
            byte[] dtb = Fdt.encode(GuestImage.devicetree(1, GuestImage.doorbell(1, 0, 0)));
            createAndStart(bed, dtb, 20, new ArrayList<>(), new ArrayList<>()); // the JIT's turn
            bed.manager.closeAll();
            long before = heapAfterGc();
            List<Vm> vms = new ArrayList<>(count);
            List<EventFd> fds = new ArrayList<>(2 * count);
            long t0 = System.nanoTime();
            createAndStart(bed, dtb, count, vms, fds);
            long t1 = System.nanoTime();
            long after = heapAfterGc();
            long t2 = System.nanoTime();
            vms.forEach(Vm::close);
            fds.forEach(EventFd::close);
            long t3 = System.nanoTime();
            System.out.printf(
                    "%s: backend=%s vms=%d functions=3 create_start_s=%.2f teardown_s=%.2f total_s=%.2f"
                            + " heap_per_vm_kib=%.1f%n",
                    backend.equals("kvm") ? "scale.kvm" : "scale",
                    backend,
                    count,
                    (t1 - t0) / 1e9,
                    (t3 - t2) / 1e9,
                    (t1 - t0 + t3 - t2) / 1e9,
                    (after - before) / 1024.0 / count);
        } finally {
            if (kvm != null) {
                kvm.close();
            }
        }
    }

    private static void createAndStart(TestBed bed, byte[] dtb, int count, List<Vm> vms, List<EventFd> fds)
            throws Exception {
        for (int i = 0; i < count; i++) {
            Vm vm = bed.vm();
            MemorySegment ram = bed.arena.allocate(RAM, MemoryRegion.PAGE_SIZE);
            long dtbOffset = RAM - 8192;
            MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, dtbOffset, dtb.length);
            vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, GuestImage.BASE, ram));
            vm.setDtbConfig(GuestImage.BASE + dtbOffset, dtb.length);
            EventFd irq = bed.manager.createEventFd(0, 0);
            EventFd kick = bed.manager.createEventFd(0, EventFd.NONBLOCK);
            vm.addFunction(new VcpuArg(0).desc());
            vm.addFunction(new IrqfdArg(irq.fd(), 1, 0).desc());
            vm.addFunction(IoeventfdArg.of(0x0a00_0000L, 4, kick.fd()).desc());
            vm.start();
            vms.add(vm);
            fds.add(irq);
            fds.add(kick);
        }
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50); // lets reference processing and cleaners finish between collections
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
