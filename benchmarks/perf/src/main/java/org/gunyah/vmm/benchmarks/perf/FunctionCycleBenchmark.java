package org.gunyah.vmm.benchmarks.perf;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.IoeventfdArg;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code fn_cycle}: adding and removing an ioeventfd function on a running VM through the
 * framework (Vm.addFunction + Vm.removeFunction: argument checks, the registry, pinning, the IO
 * handler table, and on KVM the KVM_IOEVENTFD assign and deassign of the fast path), per second.
 * The VM runs with one vCPU that nobody runs, so nothing else competes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class FunctionCycleBenchmark {
    @Param({"emulated", "kvm"})
    public String backend;

    private KvmHypervisor kvm;
    private TestBed bed;
    private Vm vm;
    private EventFd eventFd;
    private FunctionDesc ioeventfd;

    @Setup(Level.Trial)
    public void start() throws Exception {
        kvm = backend.equals("kvm") ? KvmHypervisor.open() : null;
        bed = new TestBed(kvm);
        bed.provide(FunctionType.VCPU, new VcpuFunction());
        bed.provide(FunctionType.IRQFD, new IrqfdFunction());
        bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction());
        vm = bed.vm();
        MemorySegment ram = bed.arena.allocate(GuestImage.RAM_SIZE, MemoryRegion.PAGE_SIZE);
        byte[] dtb = Fdt.encode(GuestImage.devicetree(1));
        MemorySegment.copy(dtb, 0, ram, java.lang.foreign.ValueLayout.JAVA_BYTE, GuestImage.DTB_OFFSET, dtb.length);
        vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, GuestImage.BASE, ram));
        vm.setDtbConfig(GuestImage.BASE + GuestImage.DTB_OFFSET, dtb.length);
        vm.addFunction(new VcpuArg(0).desc());
        vm.start();
        eventFd = bed.manager.createEventFd(0, EventFd.NONBLOCK);
        ioeventfd = IoeventfdArg.of(0x0a00_0000L, 4, eventFd.fd()).desc();
    }

    @Benchmark
    public void addAndRemove() throws Exception {
        vm.addFunction(ioeventfd);
        vm.removeFunction(ioeventfd);
    }

    @TearDown(Level.Trial)
    public void stop() {
        bed.close();
        eventFd.close();
        if (kvm != null) {
            kvm.close();
        }
    }
}
