package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.VcpuExit;
import org.junit.jupiter.api.Test;

/** The VMM's own answer to a doorbell write that no ioeventfd took. */
class ExitRouterTest {
    private final ExitRouter router = new ExitRouter(new DeviceBus());
    private final AtomicInteger any = new AtomicInteger();
    private final AtomicInteger seven = new AtomicInteger();

    ExitRouterTest() {
        router.addDoorbell(new ExitRouter.Doorbell(0x0a00_0000L, 4, OptionalLong.empty(), any::incrementAndGet));
        router.addDoorbell(new ExitRouter.Doorbell(0x0a00_0008L, 8, OptionalLong.of(7), seven::incrementAndGet));
    }

    @Test
    void aWriteAtADoorbellRingsIt() {
        router.route(null, new VcpuExit.Mmio(0x0a00_0000L, 4, true, 12345));

        assertEquals(1, any.get());
        assertEquals(0, router.unhandledExits());
    }

    @Test
    void aWriteOfAnotherLengthOrValueOrAReadIsUnhandled() {
        router.route(null, new VcpuExit.Mmio(0x0a00_0000L, 8, true, 1));
        router.route(null, new VcpuExit.Mmio(0x0a00_0008L, 8, true, 6));
        router.route(null, new VcpuExit.Mmio(0x0a00_0004L, 4, true, 1));

        assertEquals(0, any.get() + seven.get());
        assertEquals(3, router.unhandledExits());
    }

    @Test
    void aDatamatchDoorbellRingsOnlyForItsValue() {
        router.route(null, new VcpuExit.Mmio(0x0a00_0008L, 8, true, 7));

        assertEquals(1, seven.get());
    }

    @Test
    void anAccessInADevicesWindowReachesItsRegistersByOffset() throws Exception {
        DeviceBus bus = new DeviceBus();
        java.util.List<String> seen = new java.util.ArrayList<>();
        bus.add(new DeviceBus.Window("dev", 0x0b00_0000L, 0x200, new org.gunyah.vmm.device.MmioDevice() {
            @Override
            public long read(long offset, int size) {
                seen.add("read " + offset + "/" + size);
                return 0;
            }

            @Override
            public void write(long offset, int size, long value) {
                seen.add("write " + offset + "/" + size + "=" + value);
            }
        }));
        ExitRouter withBus = new ExitRouter(bus);

        withBus.route(null, new VcpuExit.Mmio(0x0b00_0070L, 4, true, 15));
        withBus.route(null, new VcpuExit.Mmio(0x0b00_0200L, 4, true, 1)); // just past the window

        assertEquals(java.util.List.of("write 112/4=15"), seen);
        assertEquals(1, withBus.unhandledExits());
    }
}
