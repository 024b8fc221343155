package org.gunyah.vmm.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Set;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.admin.VmInfo;
import org.gunyah.vmm.function.ioeventfd.IoeventfdFunction;
import org.gunyah.vmm.function.irqfd.IrqfdFunction;
import org.gunyah.vmm.function.vcpu.VcpuFunction;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.TestFunctions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * GH_VM_ADD_FUNCTION and GH_VM_REMOVE_FUNCTION with any descriptor: the three real functions and
 * types nobody provides, argument sizes 0 to 300, bytes either raw or shaped like the uapi structs
 * with fuzzed fields and real or bogus eventfd numbers. A call either succeeds or fails with one of
 * the documented errnos and changes nothing: the VM's functions, its tickets, IO handlers and
 * unclaimed resources, the providers' pins and the hypervisor's VM count are as before. After
 * closing the VM everything is back to zero.
 */
class FunctionArgumentFuzzTest {
    private static final Set<Errno> ADD_ERRNOS =
            Set.of(Errno.E2BIG, Errno.ENOENT, Errno.EINVAL, Errno.EEXIST, Errno.EBADF, Errno.EBUSY, Errno.EOVERFLOW);
    private static final Set<Errno> REMOVE_ERRNOS = Set.of(Errno.E2BIG, Errno.ENOENT, Errno.EINVAL);
    private static final int[] TYPES = {
        FunctionType.VCPU, FunctionType.IRQFD, FunctionType.IOEVENTFD, 0, 4, 0x7fff_0001, -1
    };

    private static TestBed bed;
    private static List<TestFunctions.Provider> providers;
    private static EventFd[] eventFds;

    @BeforeAll
    static void bed() throws GunyahException {
        bed = new TestBed();
        providers = List.of(
                bed.provide(FunctionType.VCPU, new VcpuFunction()),
                bed.provide(FunctionType.IRQFD, new IrqfdFunction()),
                bed.provide(FunctionType.IOEVENTFD, new IoeventfdFunction()));
        eventFds = new EventFd[] {bed.manager.createEventFd(0, 0), bed.manager.createEventFd(0, EventFd.NONBLOCK)};
    }

    @AfterAll
    static void close() {
        bed.close();
    }

    /** What a failed call must leave as it was. */
    private record State(
            List<FunctionDesc> functions, int tickets, int ioHandlers, int unclaimed, List<Integer> pins, int vms) {}

    private static State state(Vm vm) {
        VmInfo info = bed.manager.listVms().stream()
                .filter(i -> i.id() == vm.id())
                .findFirst()
                .orElseThrow();
        return new State(
                vm.functions(),
                info.tickets(),
                info.ioHandlers(),
                info.unclaimedResources(),
                providers.stream().map(p -> p.pins.get()).toList(),
                bed.hypervisor.allocatedVms());
    }

    @FuzzTest
    void anyDescriptorIsBoundOrRefusedWithoutATrace(FuzzedDataProvider data) throws Exception {
        int vmsBefore = bed.hypervisor.allocatedVms();
        try (Vm vm = bed.vm()) {
            int ops = data.consumeInt(1, 12);
            for (int i = 0; i < ops; i++) {
                boolean add = data.consumeBoolean();
                FunctionDesc desc = new FunctionDesc(data.pickValue(TYPES), argument(data));
                State before = state(vm);
                try {
                    if (add) {
                        vm.addFunction(desc);
                    } else {
                        vm.removeFunction(desc);
                    }
                } catch (GunyahException e) {
                    assertTrue(
                            (add ? ADD_ERRNOS : REMOVE_ERRNOS).contains(e.errno()),
                            (add ? "add " : "remove ") + desc + ": " + e.getMessage());
                    assertEquals(before, state(vm), "a refused call changed something: " + e.getMessage());
                }
            }
        }
        assertEquals(vmsBefore, bed.hypervisor.allocatedVms());
        providers.forEach(p -> assertEquals(0, p.pins.get(), "pins of type " + p.type()));
    }

    /** Raw bytes of any size up to 300, or a uapi struct's shape with fuzzed fields. */
    private static byte[] argument(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0 -> data.consumeBytes(data.consumeInt(0, 300));
            case 1 -> le(4).putInt(data.consumeInt(-2, 70)).array();
            case 2 ->
                le(16).putInt(fd(data))
                        .putInt(data.consumeInt(-1, 8))
                        .putInt(data.consumeInt(0, 3))
                        .putInt(data.consumeInt(0, 1))
                        .array();
            default ->
                le(32).putLong(data.consumeLong())
                        .putLong(data.pickValue(new long[] {0x9000, 0x9004, -8L, data.consumeLong()}))
                        .putInt(data.pickValue(new int[] {0, 1, 2, 3, 4, 8, 16}))
                        .putInt(fd(data))
                        .putInt(data.consumeInt(0, 3))
                        .putInt(data.consumeInt(0, 1))
                        .array();
        };
    }

    private static int fd(FuzzedDataProvider data) {
        return data.consumeBoolean() ? eventFds[data.consumeInt(0, 1)].fd() : data.consumeInt(-1, 64);
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
