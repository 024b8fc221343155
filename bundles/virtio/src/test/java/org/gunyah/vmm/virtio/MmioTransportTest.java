package org.gunyah.vmm.virtio;

import static org.gunyah.vmm.virtio.DeviceStatus.*;
import static org.gunyah.vmm.virtio.Registers.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.virtio.DriverRing.Buf;
import org.gunyah.vmm.virtio.testing.FakeRam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MmioTransportTest {
    private static final long ALL = MalformedChain.FEATURES | FakeDevice.OWN_FEATURE;
    private static final long DATA = FakeRam.BASE + 0x8000;

    private final FakeRam ram = new FakeRam(1 << 20);
    private final FakeDevice device = new FakeDevice();
    private final CountingLine line = new CountingLine();
    private final MmioTransport transport = new MmioTransport(device, ram, line);
    private final LinuxDriver driver = new LinuxDriver(transport);
    private final DriverRing ring = new DriverRing(ram, FakeRam.BASE + 0x1000, 8);

    @AfterEach
    void close() {
        ram.close();
    }

    private void ready() {
        assertTrue(driver.negotiate(ALL));
        driver.setUpQueue(0, ring);
        driver.driverOk();
    }

    @Test
    void theIdentityRegistersNameAVersion2DeviceOfOurVendor() {
        assertEquals(0x74726976, driver.read(MAGIC_VALUE));
        assertEquals(2, driver.read(Registers.VERSION));
        assertEquals(FakeDevice.ID, driver.read(DEVICE_ID));
        assertEquals(0x474E5948, driver.read(Registers.VENDOR_ID));
    }

    @Test
    void theDeviceOffersItsFeaturesAndTheTransports() {
        driver.write(DEVICE_FEATURES_SEL, 0);
        long low = Integer.toUnsignedLong(driver.read(DEVICE_FEATURES));
        driver.write(DEVICE_FEATURES_SEL, 1);
        long high = Integer.toUnsignedLong(driver.read(DEVICE_FEATURES));

        assertEquals(FakeDevice.OWN_FEATURE | VirtioFeatures.TRANSPORT, high << 32 | low);
    }

    @Test
    void linuxsHandshakeActivatesTheDeviceWithTheNegotiatedFeaturesAndTheReadyQueues() {
        ready();

        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK, driver.read(STATUS));
        assertEquals(1, device.activations);
        assertEquals(ALL, device.features);
        assertEquals(List.of(0), device.queues.stream().map(Virtqueue::index).toList());
        assertEquals(8, device.queue(0).size());
    }

    @Test
    void aDriverThatDoesNotAcceptVersion1NeverSeesFeaturesOk() {
        assertFalse(driver.negotiate(ALL & ~VirtioFeatures.VERSION_1));
    }

    @Test
    void aDriverThatAcceptsAFeatureNotOfferedNeverSeesFeaturesOk() {
        driver.write(STATUS, ACKNOWLEDGE | DRIVER);
        driver.write(DRIVER_FEATURES_SEL, 1);
        driver.write(DRIVER_FEATURES, (int) (VirtioFeatures.VERSION_1 >>> 32));
        driver.write(DRIVER_FEATURES_SEL, 0);
        driver.write(DRIVER_FEATURES, 1 << 5);
        driver.addStatus(FEATURES_OK);

        assertEquals(0, driver.read(STATUS) & FEATURES_OK);
    }

    @Test
    void driverOkWithoutFeaturesOkDoesNotActivateTheDevice() {
        driver.negotiate(0);
        driver.driverOk();

        assertEquals(0, driver.read(STATUS) & DRIVER_OK);
        assertEquals(0, device.activations);
    }

    @Test
    void featuresWrittenAfterFeaturesOkAreIgnored() {
        ready();
        driver.write(DRIVER_FEATURES_SEL, 0);
        driver.write(DRIVER_FEATURES, 0);

        assertEquals(ALL, transport.snapshot().driverFeatures());
    }

    @Test
    void aStatusWriteThatClearsABitIsIgnored() {
        driver.negotiate(ALL);
        driver.write(STATUS, ACKNOWLEDGE | FEATURES_OK);

        assertEquals(ACKNOWLEDGE | DRIVER | FEATURES_OK, driver.read(STATUS));
    }

    @Test
    void aQueuesRegistersAreIgnoredWhileItIsReady() {
        ready();
        driver.write(QUEUE_SEL, 0);
        driver.write(QUEUE_NUM, 4);
        driver.write(QUEUE_DESC_LOW, 0x2000);
        driver.write(QUEUE_READY, 0);

        assertEquals(8, driver.read(QUEUE_NUM));
        assertEquals((int) ring.desc, driver.read(QUEUE_DESC_LOW));
        assertEquals(1, driver.read(QUEUE_READY));
    }

    @Test
    void aQueueBeyondTheDevicesHasNoRoom() {
        driver.write(QUEUE_SEL, FakeDevice.QUEUES);

        assertEquals(0, driver.read(QUEUE_NUM_MAX));
        assertEquals(FakeDevice.MAX_SIZE, transport.snapshot().queues().get(0).size());
    }

    @Test
    void aQueueOfASizeThatIsNotAPowerOfTwoNeedsAReset() {
        try (Warnings warnings = new Warnings()) {
            driver.negotiate(ALL);
            driver.setUpQueue(0, new DriverRing(ram, FakeRam.BASE + 0x1000, 6));

            assertEquals(DEVICE_NEEDS_RESET, driver.read(STATUS) & DEVICE_NEEDS_RESET);
            assertEquals(0, driver.read(QUEUE_READY));
            assertEquals(1, warnings.messages().size());
        }
    }

    @Test
    void queueNotifyReachesTheDevice() {
        ready();

        driver.notify(0);

        assertEquals(List.of(0), device.notified);
    }

    @Test
    void aNotifyOfAQueueThatIsNotLiveIsDropped() {
        ready();

        driver.notify(1);
        driver.notify(-1);

        assertEquals(List.of(), device.notified);
    }

    @Test
    void aNotifyFromAnotherThreadReachesTheDevice() throws Exception {
        ready();

        CompletableFuture.runAsync(() -> transport.notify(0)).get(10, TimeUnit.SECONDS);

        assertEquals(List.of(0), device.notified);
    }

    @Test
    void aChainWithReadAndWriteBuffersGoesRoundTrip() {
        ready();
        ram.put(DATA, new byte[] {1, 2, 3, 4});
        int head = ring.add(Buf.in(DATA, 4), Buf.out(DATA + 0x100, 4));
        device.onNotify = q -> {
            Virtqueue queue = device.queue(q);
            DescriptorChain chain = queue.next().orElseThrow();
            byte[] request = ram.get(chain.buffers().get(0).address(), 4);
            for (int i = 0; i < request.length; i++) {
                request[i] *= 2;
            }
            ram.put(chain.buffers().get(1).address(), request);
            queue.complete(chain, request.length);
        };

        driver.notify(0);

        assertArrayEquals(new int[] {head, 4}, ring.usedElem(0));
        assertEquals(1, ring.usedIdx());
        assertArrayEquals(new byte[] {2, 4, 6, 8}, ram.get(DATA + 0x100, 4));
    }

    @Test
    void aCompletionRaisesTheUsedBufferInterrupt() {
        ready();
        ring.add(Buf.out(DATA, 4));
        Virtqueue queue = device.queue(0);

        queue.complete(queue.next().orElseThrow(), 4);

        assertEquals(INT_VRING, driver.read(INTERRUPT_STATUS));
        assertTrue(transport.interruptLevel());
        assertEquals(1, line.changes.get());
    }

    @Test
    void interruptAckLowersTheLine() {
        ready();
        ring.add(Buf.out(DATA, 4));
        Virtqueue queue = device.queue(0);
        queue.complete(queue.next().orElseThrow(), 4);

        assertEquals(INT_VRING, driver.acknowledge());

        assertEquals(0, driver.read(INTERRUPT_STATUS));
        assertFalse(transport.interruptLevel());
    }

    @Test
    void aCompletionTheDriverDidNotAskToHearOfRaisesNothing() {
        ready();
        ring.add(Buf.out(DATA, 4));
        ring.setUsedEvent(5);
        Virtqueue queue = device.queue(0);

        queue.complete(queue.next().orElseThrow(), 4);

        assertEquals(0, driver.read(INTERRUPT_STATUS));
        assertEquals(0, line.changes.get());
    }

    @ParameterizedTest
    @EnumSource(MalformedChain.class)
    void aMalformedChainSetsNeedsResetAndRaisesTheConfigInterruptWithOneWarning(MalformedChain malformed) {
        try (FakeRam big = new FakeRam(MalformedChain.RAM_SIZE);
                Warnings warnings = new Warnings()) {
            MmioTransport t = new MmioTransport(device, big, line);
            LinuxDriver linux = new LinuxDriver(t);
            DriverRing r = new DriverRing(big, MalformedChain.RING, MalformedChain.QUEUE_SIZE);
            assertTrue(linux.negotiate(malformed.features));
            linux.setUpQueue(0, r);
            linux.driverOk();
            malformed.writeInto(r);
            device.onNotify =
                    q -> assertEquals(Optional.empty(), device.queue(q).next());

            linux.notify(0);
            device.queue(0).next();

            assertEquals(DEVICE_NEEDS_RESET, linux.read(STATUS) & DEVICE_NEEDS_RESET);
            assertEquals(INT_CONFIG, linux.read(INTERRUPT_STATUS));
            assertEquals(1, line.changes.get());
            assertEquals(1, warnings.messages().size(), warnings.messages()::toString);
            assertTrue(warnings.messages().getFirst().contains(malformed.reason.name()));
        }
    }

    @Test
    void aResetClearsTheRegistersAndTheQueuesAndResetsTheDevice() {
        ready();
        ring.add(Buf.out(DATA, 4));
        Virtqueue old = device.queue(0);
        int resets = device.resets;

        driver.write(STATUS, 0);

        assertEquals(0, driver.read(STATUS));
        assertEquals(resets + 1, device.resets);
        driver.write(QUEUE_SEL, 0);
        assertEquals(0, driver.read(QUEUE_READY));
        assertEquals(0, driver.read(QUEUE_DESC_LOW));
        assertEquals(FakeDevice.MAX_SIZE, driver.read(QUEUE_NUM));
        assertEquals(0, transport.snapshot().driverFeatures());
        assertEquals(Optional.empty(), old.next());
    }

    @Test
    void aQueueFromBeforeAResetIgnoresCompletions() {
        ready();
        ring.add(Buf.out(DATA, 4));
        Virtqueue old = device.queue(0);
        DescriptorChain chain = old.next().orElseThrow();
        driver.write(STATUS, 0);

        old.complete(chain, 4);

        assertEquals(0, ring.usedIdx());
        assertEquals(0, driver.read(INTERRUPT_STATUS));
    }

    @Test
    void afterAResetTheDriverCanStartAgain() {
        ready();
        driver.write(STATUS, 0);

        ready();

        assertEquals(2, device.activations);
    }

    @ParameterizedTest
    @CsvSource({"0x70,1", "0x70,2", "0x70,8", "0x72,4", "0x00,2"})
    void aRegisterAccessOfTheWrongSizeReadsZeroAndIsIgnored(int offset, int size) {
        transport.write(offset, size, ACKNOWLEDGE);

        assertEquals(0, transport.read(offset, size));
        assertEquals(0, driver.read(STATUS));
    }

    @Test
    void theConfigSpaceIsReadAndWrittenByOffsetAndSize() {
        transport.write(0x100, 8, 0x0807060504030201L);

        assertEquals(0x0807060504030201L, transport.read(0x100, 8));
        assertEquals(0x0403, transport.read(0x102, 2));
        assertEquals(0x05, transport.read(0x104, 1));
        assertEquals(0x08070605L, transport.read(0x104, 4));
    }

    @ParameterizedTest
    @CsvSource({"0x108,1", "0x105,4", "0x101,8", "0x100,3"})
    void aConfigAccessBeyondTheSpaceOrOfAnOddSizeReadsZeroAndIsIgnored(int offset, int size) {
        transport.write(offset, size, -1L);

        assertEquals(0, transport.read(offset, size));
        assertEquals(0, transport.read(0x100, 8));
    }

    @Test
    void aConfigChangeMovesTheGenerationAndRaisesTheConfigInterrupt() {
        ready();
        int before = driver.read(CONFIG_GENERATION);

        transport.configChanged();

        assertEquals(before + 1, driver.read(CONFIG_GENERATION));
        assertEquals(INT_CONFIG, driver.read(INTERRUPT_STATUS));
        assertEquals(1, line.changes.get());
    }

    @Test
    void aConfigChangeBeforeDriverOkRaisesNoInterrupt() {
        transport.configChanged();

        assertEquals(1, driver.read(CONFIG_GENERATION));
        assertEquals(0, driver.read(INTERRUPT_STATUS));
    }

    @Test
    void thereIsNoSharedMemoryRegion() {
        driver.write(SHM_SEL, 0);

        assertEquals(-1, driver.read(SHM_LEN_LOW));
        assertEquals(-1, driver.read(SHM_LEN_HIGH));
    }
}
