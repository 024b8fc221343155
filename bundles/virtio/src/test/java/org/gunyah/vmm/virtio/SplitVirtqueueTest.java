package org.gunyah.vmm.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.gunyah.vmm.virtio.DescriptorChain.Buffer;
import org.gunyah.vmm.virtio.DriverRing.Buf;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SplitVirtqueueTest {
    private static final long RING = FakeRam.BASE + 0x1000;
    private static final long DATA = FakeRam.BASE + 0x8000;
    private static final long ALL = MalformedChain.FEATURES;
    private static final long PLAIN = VirtioFeatures.VERSION_1;

    private final FakeRam ram = new FakeRam(1 << 20);
    private final DriverRing driver = new DriverRing(ram, RING, 8);

    @AfterEach
    void close() {
        ram.close();
    }

    private SplitVirtqueue queue(long features) throws VirtqueueException {
        return new SplitVirtqueue(ram, driver.layout(), features);
    }

    @Test
    void anEmptyQueueGivesNothing() throws VirtqueueException {
        assertEquals(Optional.empty(), queue(ALL).next());
    }

    @Test
    void aChainIsTakenWithItsReadableThenWritableBuffers() throws VirtqueueException {
        int head = driver.add(Buf.in(DATA, 16), Buf.in(DATA + 0x100, 32), Buf.out(DATA + 0x200, 64));

        DescriptorChain chain = queue(ALL).next().orElseThrow();

        assertEquals(head, chain.head());
        assertEquals(
                List.of(
                        new Buffer(DATA, 16, false),
                        new Buffer(DATA + 0x100, 32, false),
                        new Buffer(DATA + 0x200, 64, true)),
                chain.buffers());
        assertEquals(48, chain.readableLength());
        assertEquals(64, chain.writableLength());
    }

    @Test
    void aCompletedChainIsOnTheUsedRingWithTheBytesWritten() throws VirtqueueException {
        int head = driver.add(Buf.in(DATA, 16), Buf.out(DATA + 0x200, 64));
        SplitVirtqueue q = queue(ALL);

        q.complete(q.next().orElseThrow(), 40);

        assertEquals(1, driver.usedIdx());
        assertArrayEquals(new int[] {head, 40}, driver.usedElem(0));
    }

    @Test
    void chainsAreTakenInTheOrderTheDriverMadeThemAvailable() throws VirtqueueException {
        int first = driver.add(Buf.in(DATA, 1));
        int second = driver.add(Buf.out(DATA, 2));
        SplitVirtqueue q = queue(ALL);

        assertEquals(first, q.next().orElseThrow().head());
        assertEquals(second, q.next().orElseThrow().head());
        assertEquals(Optional.empty(), q.next());
    }

    @Test
    void theIndexesWrapAt65536() throws VirtqueueException {
        driver.setAvailIdx(0xffff);
        int head = driver.add(Buf.in(DATA, 1));
        SplitVirtqueue q = new SplitVirtqueue(ram, driver.layout(), ALL, 0xffff, 0xffff);

        q.complete(q.next().orElseThrow(), 0);

        assertEquals(0, q.lastAvail());
        assertEquals(0, driver.usedIdx());
        assertArrayEquals(new int[] {head, 0}, driver.usedElem(0xffff));
    }

    @Test
    void anIndirectTableIsReadAsTheChain() throws VirtqueueException {
        int head = driver.addIndirect(FakeRam.BASE + 0x4000, Buf.in(DATA, 8), Buf.out(DATA + 0x100, 24));

        DescriptorChain chain = queue(ALL).next().orElseThrow();

        assertEquals(head, chain.head());
        assertEquals(List.of(new Buffer(DATA, 8, false), new Buffer(DATA + 0x100, 24, true)), chain.buffers());
    }

    @Test
    void zeroLengthBuffersAreLeftOut() throws VirtqueueException {
        driver.add(Buf.in(DATA, 0), Buf.out(DATA, 8));

        assertEquals(
                List.of(new Buffer(DATA, 8, true)),
                queue(ALL).next().orElseThrow().buffers());
    }

    @Test
    void withoutEventIdxEveryCompletionInterrupts() throws VirtqueueException {
        driver.add(Buf.in(DATA, 1));
        SplitVirtqueue q = queue(PLAIN);

        assertTrue(q.complete(q.next().orElseThrow(), 0));
    }

    @Test
    void withoutEventIdxTheNoInterruptFlagSuppressesTheInterrupt() throws VirtqueueException {
        driver.add(Buf.in(DATA, 1));
        driver.setAvailFlags(SplitVirtqueue.AVAIL_F_NO_INTERRUPT);
        SplitVirtqueue q = queue(PLAIN);

        assertFalse(q.complete(q.next().orElseThrow(), 0));
    }

    @Test
    void withEventIdxTheNoInterruptFlagIsIgnored() throws VirtqueueException {
        driver.add(Buf.in(DATA, 1));
        driver.setAvailFlags(SplitVirtqueue.AVAIL_F_NO_INTERRUPT);
        driver.setUsedEvent(0);
        SplitVirtqueue q = queue(ALL);

        assertTrue(q.complete(q.next().orElseThrow(), 0));
    }

    @Test
    void withEventIdxOnlyTheCompletionThatPassesUsedEventInterrupts() throws VirtqueueException {
        for (int i = 0; i < 3; i++) {
            driver.add(Buf.in(DATA, 1));
        }
        driver.setUsedEvent(1); // interrupt me once the used entry at index 1 is written
        SplitVirtqueue q = queue(ALL);

        assertFalse(q.complete(q.next().orElseThrow(), 0));
        assertTrue(q.complete(q.next().orElseThrow(), 0));
        assertFalse(q.complete(q.next().orElseThrow(), 0));
    }

    @Test
    void withEventIdxTheDeviceAsksToBeNotifiedOfTheEntryAfterTheLastItTook() throws VirtqueueException {
        driver.add(Buf.in(DATA, 1));
        driver.add(Buf.in(DATA, 1));
        SplitVirtqueue q = queue(ALL);

        q.next();
        assertEquals(1, driver.availEvent());
        q.next();
        q.next();
        assertEquals(2, driver.availEvent());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 65536})
    void aQueueSizeThatIsNotAPowerOfTwoUpTo32768IsRefused(int size) {
        var e = assertThrows(
                VirtqueueException.class,
                () -> new SplitVirtqueue(ram, new QueueLayout(size, RING, RING + 0x800, RING + 0x1000), ALL));
        assertEquals(VirtqueueException.Reason.BAD_LAYOUT, e.reason());
    }

    @Test
    void aMisalignedRingIsRefused() {
        var e = assertThrows(
                VirtqueueException.class,
                () -> new SplitVirtqueue(ram, new QueueLayout(8, RING, RING + 0x801, RING + 0x1000), ALL));
        assertEquals(VirtqueueException.Reason.BAD_LAYOUT, e.reason());
    }

    @Test
    void aRingOutsideRamIsRefused() {
        var e = assertThrows(
                VirtqueueException.class,
                () -> new SplitVirtqueue(
                        ram, new QueueLayout(8, RING, RING + 0x800, FakeRam.BASE + (1 << 20) - 8), ALL));
        assertEquals(VirtqueueException.Reason.OUTSIDE_RAM, e.reason());
    }

    @Test
    void moreBytesWrittenThanTheChainCanHoldIsTheDevicesError() throws VirtqueueException {
        driver.add(Buf.in(DATA, 16), Buf.out(DATA, 8));
        SplitVirtqueue q = queue(ALL);
        DescriptorChain chain = q.next().orElseThrow();

        assertThrows(IllegalArgumentException.class, () -> q.complete(chain, 9));
    }

    @ParameterizedTest
    @EnumSource(MalformedChain.class)
    void aMalformedChainIsRefusedWithTheRuleItBreaks(MalformedChain malformed) throws VirtqueueException {
        try (FakeRam big = new FakeRam(MalformedChain.RAM_SIZE)) {
            DriverRing ring = new DriverRing(big, MalformedChain.RING, MalformedChain.QUEUE_SIZE);
            malformed.writeInto(ring);
            SplitVirtqueue q = new SplitVirtqueue(big, ring.layout(), malformed.features);

            var e = assertThrows(VirtqueueException.class, q::next);

            assertEquals(malformed.reason, e.reason(), e.getMessage());
            assertEquals(0, q.lastAvail());
        }
    }
}
