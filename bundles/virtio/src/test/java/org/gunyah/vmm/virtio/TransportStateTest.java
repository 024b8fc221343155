package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.DeviceStatus.*;
import static org.gunyah.vmm.virtio.Registers.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.virtio.DriverRing.Buf;
import org.gunyah.vmm.virtio.TransportState.QueueState;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportStateTest {
    private static final long ALL = MalformedChain.FEATURES | FakeDevice.OWN_FEATURE;
    private static final long DATA = FakeRam.BASE + 0x8000;
    private static final TransportState STATE = new TransportState(
            ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK,
            ALL,
            1,
            0,
            1,
            INT_VRING,
            7,
            List.of(
                    new QueueState(8, true, 0x4000_1000L, 0x4000_1080L, 0x4000_10a0L, 0xfffe, 0x1234),
                    new QueueState(256, false, 0, 0, 0, 0, 0)));

    private final FakeRam ram = new FakeRam(1 << 20);
    private final CountingLine line = new CountingLine();

    @AfterEach
    void close() {
        ram.close();
    }

    @Test
    void aStateDecodesToWhatWasEncoded() throws GunyahException {
        assertEquals(STATE, TransportState.decode(STATE.encode()));
    }

    @Test
    void theFormatStartsWithItsVersionLittleEndian() {
        assertArrayEquals(new byte[] {1, 0, 0, 0}, Arrays.copyOf(STATE.encode(), 4));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, -1})
    void anUnknownVersionIsEinval(int version) {
        byte[] bytes = STATE.encode();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, version);

        var e = assertThrows(GunyahException.class, () -> TransportState.decode(bytes));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 40, 80})
    void aStateCutShortIsEinval(int length) {
        byte[] bytes = Arrays.copyOf(STATE.encode(), length);

        var e = assertThrows(GunyahException.class, () -> TransportState.decode(bytes));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void aStateWithBytesLeftOverIsEinval() {
        byte[] bytes = Arrays.copyOf(STATE.encode(), STATE.encode().length + 1);

        var e = assertThrows(GunyahException.class, () -> TransportState.decode(bytes));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void aStateForAnotherNumberOfQueuesIsEinval() {
        TransportState one =
                new TransportState(0, 0, 0, 0, 0, 0, 0, List.of(STATE.queues().getFirst()));

        var e = assertThrows(GunyahException.class, () -> new MmioTransport(new FakeDevice(), ram, line, one));
        assertEquals(Errno.EINVAL, e.errno());
    }

    @Test
    void aTransportRestoredFromASnapshotContinuesTheQueueWithoutAReset() throws GunyahException {
        FakeDevice before = new FakeDevice();
        MmioTransport old = new MmioTransport(before, ram, line);
        LinuxDriver driver = new LinuxDriver(old);
        DriverRing ring = new DriverRing(ram, FakeRam.BASE + 0x1000, 8);
        driver.negotiate(ALL);
        driver.setUpQueue(0, ring);
        driver.driverOk();
        ring.add(Buf.out(DATA, 4));
        int second = ring.add(Buf.out(DATA + 0x10, 4));
        Virtqueue q = before.queue(0);
        q.complete(q.next().orElseThrow(), 4);

        FakeDevice after = new FakeDevice();
        MmioTransport successor = new MmioTransport(
                after, ram, line, TransportState.decode(old.snapshot().encode()));
        successor.resume();
        Virtqueue continued = after.queue(0);
        DescriptorChain chain = continued.next().orElseThrow();
        continued.complete(chain, 2);

        assertEquals(second, chain.head());
        assertEquals(2, ring.usedIdx());
        assertArrayEquals(new int[] {second, 2}, ring.usedElem(1));
        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, new LinuxDriver(successor).read(STATUS));
        assertEquals(ALL, after.features);
        assertEquals(0, after.resets);
        assertEquals(List.of(0), after.notified);
    }

    @Test
    void aRestoredTransportKeepsAPendingInterruptUp() throws GunyahException {
        TransportState pending = new TransportState(ACKNOWLEDGE | DRIVER, 0, 0, 0, 0, INT_CONFIG, 0, STATE.queues());

        MmioTransport t = new MmioTransport(new FakeDevice(), ram, line, pending);
        t.resume();

        assertEquals(true, t.interruptLevel());
        assertEquals(1, line.changes.get());
        assertEquals(INT_CONFIG, new LinuxDriver(t).read(INTERRUPT_STATUS));
    }

    @Test
    void aSnapshotOfAFreshTransportRestoresToAFreshTransport() throws GunyahException {
        MmioTransport fresh = new MmioTransport(new FakeDevice(), ram, line);

        MmioTransport restored = new MmioTransport(new FakeDevice(), ram, line, fresh.snapshot());

        assertEquals(fresh.snapshot(), restored.snapshot());
    }
}
