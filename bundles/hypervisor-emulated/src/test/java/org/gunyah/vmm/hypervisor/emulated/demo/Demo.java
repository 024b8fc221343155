package org.gunyah.vmm.hypervisor.emulated.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.gunyah.vmm.api.ExitInfo;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.MemoryRegion;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.api.dt.DtNode;
import org.gunyah.vmm.api.dt.Fdt;
import org.gunyah.vmm.hypervisor.emulated.EmulatedHypervisor;
import org.gunyah.vmm.internal.manager.VmManagerCore;
import org.gunyah.vmm.internal.registry.FunctionProvider;
import org.gunyah.vmm.spi.FunctionInstance;
import org.gunyah.vmm.spi.Resource;
import org.gunyah.vmm.spi.ResourceTicket;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VcpuResource;
import org.gunyah.vmm.spi.VcpuRunResult;
import org.gunyah.vmm.spi.VmFunction;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.gunyah.vmm.tools.a64asm.Program;

/**
 * The foundation's demo: assembles {@code guests/hello.S}, boots it on 4 vCPUs of the emulated
 * hypervisor through the VM manager core, prints what the guest writes to its console registers and
 * its exit status. It claims the vCPUs with a small function of its own; the vcpu function bundle
 * and the runtime zip take over this job in later issues.
 */
public final class Demo {
    static final long BASE = 0x4000_0000L;
    static final long CONSOLE = 0x0900_0000L;
    static final int CPUS = 4;
    static final int DEMO_TYPE = 0x7fff_0001;

    private Demo() {}

    public static void main(String[] args) throws Exception {
        int status = run(System.out);
        System.exit(status == 0x600d ? 0 : 1);
    }

    static int run(PrintStream out) throws Exception {
        VmManagerCore manager = new VmManagerCore(Duration.ofSeconds(5));
        manager.addHypervisor(new EmulatedHypervisor(), 0, 1);
        VcpuClaims claims = new VcpuClaims();
        manager.registry().add(claims);
        try (Arena arena = Arena.ofShared();
                Vm vm = manager.createVm(EmulatedHypervisor.NAME)) {
            Program program = A64Assembler.assemble(source(), BASE);
            MemorySegment ram = arena.allocate(0x10_000, MemoryRegion.PAGE_SIZE);
            MemorySegment.copy(program.image(), 0, ram, ValueLayout.JAVA_BYTE, 0, program.image().length);
            byte[] dtb = Fdt.encode(devicetree());
            MemorySegment.copy(dtb, 0, ram, ValueLayout.JAVA_BYTE, 0x8000, dtb.length);
            vm.setUserMemoryRegion(new MemoryRegion(0, MemoryRegion.RWX, BASE, ram));
            vm.setDtbConfig(BASE + 0x8000, dtb.length);
            for (int id = 0; id < CPUS; id++) {
                vm.addFunction(new FunctionDesc(DEMO_TYPE, new byte[] {(byte) id}));
            }
            long started = System.nanoTime();
            vm.start();
            out.printf(
                    "VM %d started on the %s hypervisor with %d vCPUs (%d-byte image, %d-byte DTB)%n",
                    vm.id(), vm.hypervisor(), CPUS, program.image().length, dtb.length);
            List<Thread> threads = new ArrayList<>();
            Map<Integer, StringBuilder> consoles = new ConcurrentHashMap<>();
            for (var e : claims.vcpus.entrySet()) {
                threads.add(
                        Thread.ofPlatform().name("vcpu-" + e.getKey()).start(() -> drive(e.getValue(), consoles, out)));
            }
            for (Thread t : threads) {
                t.join();
            }
            ExitInfo exit = vm.exitInfo().orElseThrow();
            out.printf(
                    "VM %d %s: exit type %d, status 0x%x, in %.1f ms%n",
                    vm.id(), vm.state(), exit.type(), exit.code(), (System.nanoTime() - started) / 1e6);
            return (int) exit.code();
        } finally {
            manager.closeAll();
        }
    }

    private static void drive(VcpuResource vcpu, Map<Integer, StringBuilder> consoles, PrintStream out) {
        try {
            VcpuRunResult r;
            do {
                r = vcpu.run();
                if (r instanceof VcpuRunResult.MmioWrite w
                        && w.address() >= CONSOLE
                        && w.address() < CONSOLE + 8 * CPUS) {
                    int cpu = (int) ((w.address() - CONSOLE) / 8);
                    StringBuilder line = consoles.computeIfAbsent(cpu, c -> new StringBuilder());
                    if (w.value() == '\n') {
                        out.println("  [vcpu " + cpu + "] " + line);
                        line.setLength(0);
                    } else {
                        line.append((char) w.value());
                    }
                }
            } while (!(r instanceof VcpuRunResult.PoweredOff));
        } catch (GunyahException e) {
            out.println("  vCPU " + vcpu.label() + ": " + e.getMessage());
        }
    }

    private static DtNode devicetree() {
        DtNode.Builder cpus = DtNode.builder("cpus");
        for (int i = 0; i < CPUS; i++) {
            cpus.child(DtNode.builder("cpu@" + i)
                    .property("device_type", "cpu")
                    .property("reg", i)
                    .build());
        }
        return DtNode.builder("").child(cpus.build()).build();
    }

    private static String source() throws IOException {
        try (InputStream in = Demo.class.getResourceAsStream("/guests/hello.S")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The demo's own function: one VCPU ticket per instance; the runner threads use the resources. */
    static final class VcpuClaims implements FunctionProvider, VmFunction {
        final Map<Integer, VcpuResource> vcpus = new ConcurrentHashMap<>();

        @Override
        public int type() {
            return DEMO_TYPE;
        }

        @Override
        public ProviderInfo info() {
            return new ProviderInfo("demo-vcpus", 0, -1, "demo", "0");
        }

        @Override
        public VmFunction acquire() {
            return this;
        }

        @Override
        public void release() {}

        @Override
        public Object bind(FunctionInstance instance) throws GunyahException {
            int id = instance.arg()[0];
            ResourceTicket ticket = new ResourceTicket() {
                @Override
                public ResourceType resourceType() {
                    return ResourceType.VCPU;
                }

                @Override
                public int label() {
                    return id;
                }

                @Override
                public boolean populate(Resource r) {
                    return vcpus.putIfAbsent(id, (VcpuResource) r) == null;
                }

                @Override
                public void unpopulate(Resource r) {
                    vcpus.remove(id, r);
                }
            };
            instance.vm().addResourceTicket(ticket);
            instance.setData(ticket);
            return null;
        }

        @Override
        public void unbind(FunctionInstance instance) {
            instance.vm().removeResourceTicket(instance.data(ResourceTicket.class));
        }

        @Override
        public boolean compare(FunctionInstance instance, byte[] arg) {
            return java.util.Arrays.equals(instance.arg(), arg);
        }
    }
}
