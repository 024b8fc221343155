package org.gunyah.vmm.benchmarks.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vcpu;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.VcpuExit;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.GuestImage;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.kvm.vm.KvmHypervisor;

/**
 * The Java side of {@code benchmarks/run.sh kvm}: the guest {@code benchmarks/kvm/guest/bench.S}
 * run through the whole framework (VM manager, vcpu/irqfd/ioeventfd functions, KVM backend), the
 * way a VMM on this runtime runs it, measured like {@code kvmbench.c} measures raw KVM:
 *
 * <pre>KvmBench &lt;mmio_exit|ioeventfd|irqfd&gt; &lt;count&gt; &lt;bench.bin&gt;</pre>
 *
 * prints {@code <mode> ns_per_op=<n> count=<count>}. Warm-up VMs in the same JVM come first, so
 * that the measured one runs code the JIT has finished compiling (C needs none): see {@link #main}.
 */
public final class KvmBench {
    static final long RAM_BASE = 0x4000_0000L;
    static final long RAM_SIZE = 2 << 20;
    static final long DTB_OFFSET = 1 << 20;
    static final long DOORBELL = 0x0a00_0000L;
    static final long ACK = 0x0a00_0008L;
    static final int IRQ_LABEL = 1;

    private KvmBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KvmBench <mmio_exit|ioeventfd|irqfd> <count> <bench.bin>");
            System.exit(2);
        }
        String mode = args[0];
        int count = Integer.parseInt(args[1]);
        byte[] image = Files.readAllBytes(Path.of(args[2]));
        try (KvmHypervisor kvm = KvmHypervisor.open()) {
            // Each measured loop runs once per VM, so the JIT compiles it on the stack (OSR) only after
            // some 60,000 turns in the interpreter and 40,000 in C1's code: a warm-up of a tenth of the
            // count left most of the measured run interpreted (seen with -XX:+PrintCompilation). Hence
            // a warm-up as long as the run. The first run of each new VM then takes branches the
            // compiled code had never seen, which deoptimises it; short VMs take that, two of them
            // because with one the recompiled code was sometimes still not ready (seen once in three).
            run(kvm, mode, count, image);
            for (int i = 0; i < 2; i++) {
                run(kvm, mode, Math.max(1, count / 10), image);
            }
            double ns = run(kvm, mode, count, image);
            System.out.printf("%s ns_per_op=%.1f count=%d%n", mode, ns, count);
        }
    }

    /** One VM from creation to teardown; the time per operation of the measured part. */
    static double run(KvmHypervisor kvm, String mode, int count, byte[] guest) throws Exception {
        int modeNumber = switch (mode) {
            case "mmio_exit" -> 1;
            case "ioeventfd" -> 2;
            case "irqfd" -> 3;
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        };
        byte[] image = guest.clone();
        ByteBuffer.wrap(image)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0x10, modeNumber)
                .putInt(0x14, count);
        ExecutorService vcpuThread = Executors.newSingleThreadExecutor(
                r -> Thread.ofPlatform().name("vcpu-0").unstarted(r));
        try (TestBed bed = new TestBed(kvm)) {
            bed.provide(FunctionType.VCPU, new VcpuFunction());
            bed.provide(FunctionType.IRQFD, new IrqfdFunction());
            bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
            Vm vm = bed.vm();
            DtNode dt = modeNumber == 3
                    ? GuestImage.devicetree(1, GuestImage.doorbell(IRQ_LABEL, 0, 0))
                    : GuestImage.devicetree(1);
            load(vm, bed, image, dt);
            Vcpu vcpu = vm.addFunction(new VcpuArg(0).desc()).as(Vcpu.class);
            double ns = switch (modeNumber) {
                case 1 -> mmioExits(vm, vcpu, count);
                case 2 -> ioeventfd(bed, vm, vcpu, count, vcpuThread);
                default -> irqfd(bed, vm, vcpu, count, vcpuThread);
            };
            return ns;
        } finally {
            vcpuThread.shutdownNow();
            vcpuThread.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static void load(Vm vm, TestBed bed, byte[] image, DtNode dt) throws GunyahException {
        MemorySegment ram = bed.arena.allocate(RAM_SIZE, MemoryRegion.PAGE_SIZE);
        MemorySegment.copy(image, 0, ram, ValueLayout.JAVA_BYTE, 0, image.length);
        byte[] dtb = Fdt.encode(dt);
        MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, DTB_OFFSET, dtb.length);
        vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, RAM_BASE, ram));
        vm.setDtbConfig(RAM_BASE + DTB_OFFSET, dtb.length);
    }

    /** Every guest write exits to us through Vcpu.run(); we answer by running again. */
    private static double mmioExits(Vm vm, Vcpu vcpu, int count) throws GunyahException {
        vm.start();
        int exits = 0;
        long start = System.nanoTime();
        while (true) {
            VcpuExit exit = vcpu.run();
            if (exit instanceof VcpuExit.Status s) {
                long elapsed = System.nanoTime() - start;
                check(s, exits == count, exits + " MMIO exits instead of " + count);
                return (double) elapsed / count;
            }
            exits++;
        }
    }

    /** The guest's writes are matched in the kernel; we read the eventfd until all have come. */
    private static double ioeventfd(TestBed bed, Vm vm, Vcpu vcpu, int count, ExecutorService vcpuThread)
            throws Exception {
        EventFd rings = bed.manager.createEventFd(0, 0);
        vm.addFunction(IoeventfdArg.of(DOORBELL, 4, rings.fd()).desc());
        vm.start();
        long start = System.nanoTime();
        Future<VcpuExit> guest = vcpuThread.submit(vcpu::run);
        long seen = 0;
        while (seen < count) {
            seen += rings.read();
        }
        long elapsed = System.nanoTime() - start;
        check(guest.get(10, TimeUnit.SECONDS), seen == count, seen + " signals instead of " + count);
        return (double) elapsed / count;
    }

    /** We raise the interrupt through an irqfd; the guest's handler acknowledges on an ioeventfd. */
    private static double irqfd(TestBed bed, Vm vm, Vcpu vcpu, int count, ExecutorService vcpuThread) throws Exception {
        EventFd irq = bed.manager.createEventFd(0, 0);
        EventFd ack = bed.manager.createEventFd(0, 0);
        vm.addFunction(new IrqfdArg(irq.fd(), IRQ_LABEL, 0).desc());
        vm.addFunction(IoeventfdArg.of(ACK, 4, ack.fd()).desc());
        vm.start();
        Future<VcpuExit> guest = vcpuThread.submit(vcpu::run);
        ack.read(); // ready
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            irq.write(1);
            ack.read();
        }
        long elapsed = System.nanoTime() - start;
        check(guest.get(10, TimeUnit.SECONDS), true, "");
        return (double) elapsed / count;
    }

    private static void check(VcpuExit exit, boolean ok, String why) {
        if (!(exit instanceof VcpuExit.Status s)
                || s.exitInfo() == null
                || !s.exitInfo().equals(ExitInfo.withCode(ExitInfo.VM_EXIT, 0))
                || !ok) {
            throw new IllegalStateException("the guest did not end as expected: " + exit + " " + why);
        }
    }
}
