package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.device.MmioDevice;
import org.gunyah.vmm.testing.Errnos;
import org.junit.jupiter.api.Test;

/** The VM's MMIO bus: windows found by address, never overlapping. */
class DeviceBusTest {
    private static final MmioDevice NOTHING = new MmioDevice() {
        @Override
        public long read(long offset, int size) {
            return 0;
        }

        @Override
        public void write(long offset, int size, long value) {}
    };

    private final DeviceBus bus = new DeviceBus();

    @Test
    void anAddressFindsTheWindowHoldingIt() throws GunyahException {
        DeviceBus.Window a = new DeviceBus.Window("a", 0x1000, 0x100, NOTHING);
        DeviceBus.Window b = new DeviceBus.Window("b", 0x2000, 0x100, NOTHING);
        bus.add(b);
        bus.add(a);

        assertSame(a, bus.find(0x1000));
        assertSame(a, bus.find(0x10ff));
        assertSame(b, bus.find(0x2080));
        assertNull(bus.find(0x1100));
        assertNull(bus.find(0xfff));
    }

    @Test
    void anOverlappingWindowIsEexistAndLeavesTheBusAsItWas() throws GunyahException {
        DeviceBus.Window a = new DeviceBus.Window("a", 0x1000, 0x100, NOTHING);
        bus.add(a);

        Errnos.assertErrno(Errno.EEXIST, () -> bus.add(new DeviceBus.Window("b", 0x10f0, 0x100, NOTHING)));
        Errnos.assertErrno(Errno.EEXIST, () -> bus.add(new DeviceBus.Window("c", 0x0f00, 0x101, NOTHING)));
        assertNull(bus.find(0x1100));
        assertSame(a, bus.find(0x10f0));
    }

    @Test
    void aRemovedWindowIsNoLongerFound() throws GunyahException {
        DeviceBus.Window a = new DeviceBus.Window("a", 0x1000, 0x100, NOTHING);
        bus.add(a);
        bus.remove(a);

        assertNull(bus.find(0x1000));
    }
}
