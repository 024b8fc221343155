package org.gunyah.vmm.function.irqfd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.text.MessageFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.TestBed;
import org.gunyah.vmm.hypervisor.emulated.gic.GicDriver;
import org.gunyah.vmm.hypervisor.emulated.platform.EmulatedDoorbell;
import org.gunyah.vmm.spi.DoorbellResource;
import org.gunyah.vmm.spi.ResourceType;
import org.gunyah.vmm.spi.VmContext;
import org.gunyah.vmm.spi.hypervisor.HypervisorDoorbell;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The irqfd's delivery rules against a recording doorbell. */
class IrqfdTest {
    /** A doorbell that records what it is asked to do. */
    static class RecordingDoorbell implements DoorbellResource {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final AtomicLong sends = new AtomicLong();

        @Override
        public ResourceType type() {
            return ResourceType.BELL_TX;
        }

        @Override
        public int label() {
            return 7;
        }

        @Override
        public long capId() {
            return 0x42;
        }

        @Override
        public void send(long flags) {
            sends.incrementAndGet();
            calls.add("send " + flags);
        }

        @Override
        public void setMask(long enableMask, long ackMask) {
            calls.add("mask " + enableMask + "," + ackMask);
        }
    }

    /** A doorbell whose platform binds the eventfd itself, as KVM_IRQFD does. */
    static final class BindingDoorbell extends RecordingDoorbell {
        @Override
        public Optional<VmContext.Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample) {
            calls.add("bind " + (level ? "level" : "edge") + (resample.isPresent() ? " resample" : ""));
            return Optional.of(() -> calls.add("unbind"));
        }

        @Override
        public Optional<VmContext.Registration> onAcknowledge(Runnable listener) {
            calls.add("acks");
            return Optional.of(() -> calls.add("no acks"));
        }
    }

    /** A doorbell whose platform tells of each guest acknowledgement, as the emulated GIC does. */
    static final class AcknowledgingDoorbell extends RecordingDoorbell {
        final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        @Override
        public Optional<VmContext.Registration> onAcknowledge(Runnable listener) {
            calls.add("acks");
            listeners.add(listener);
            return Optional.of(() -> {
                calls.add("no acks");
                listeners.remove(listener);
            });
        }

        /** The guest's EOI. */
        void acknowledge() {
            listeners.forEach(Runnable::run);
        }
    }

    /** A platform's doorbell as the framework hands it to a ticket. */
    record Granted(HypervisorDoorbell raw) implements DoorbellResource {
        @Override
        public ResourceType type() {
            return raw.type();
        }

        @Override
        public int label() {
            return raw.label();
        }

        @Override
        public long capId() {
            return raw.capId();
        }

        @Override
        public void send(long flags) throws GunyahException {
            raw.send(flags);
        }

        @Override
        public void setMask(long enableMask, long ackMask) throws GunyahException {
            raw.setMask(enableMask, ackMask);
        }

        @Override
        public Optional<VmContext.Registration> bindEventFd(EventFd source, boolean level, Optional<EventFd> resample)
                throws GunyahException {
            return raw.bindEventFd(source, level, resample);
        }

        @Override
        public Optional<VmContext.Registration> onAcknowledge(Runnable listener) throws GunyahException {
            return raw.onAcknowledge(listener);
        }
    }

    private final TestBed bed = new TestBed();
    private final EventFd efd;
    private final EventFd resample;
    private final RecordingDoorbell bell = new RecordingDoorbell();

    IrqfdTest() throws GunyahException {
        efd = bed.manager.createEventFd(0, 0);
        resample = bed.manager.createEventFd(0, 0);
    }

    @AfterEach
    void close() {
        bed.close();
    }

    @Test
    void aPlatformThatBindsTheEventfdRingsWithoutUs() throws GunyahException {
        BindingDoorbell fast = new BindingDoorbell();
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(fast);
        efd.write(1);
        assertEquals(List.of("bind edge"), fast.calls, "the signal is the platform's to deliver, not ours");
    }

    @Test
    void aDoorbellPopulatedBeforeListeningIsBoundToo() throws GunyahException {
        BindingDoorbell fast = new BindingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd);
        irqfd.populate(fast); // a ticket added to a running VM is populated at once, before bind listens
        irqfd.listen();
        efd.write(1);
        assertEquals(List.of("mask 1,1", "bind level"), fast.calls);
    }

    @Test
    void takingTheDoorbellBackEndsTheBindingAndLatchesAgain() throws GunyahException {
        BindingDoorbell fast = new BindingDoorbell();
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(fast);
        irqfd.unpopulate(fast);
        efd.write(1);
        irqfd.populate(fast);
        assertEquals(List.of("bind edge", "unbind", "bind edge", "send 1"), fast.calls);
    }

    @Test
    void stoppingEndsTheBinding() throws GunyahException {
        BindingDoorbell fast = new BindingDoorbell();
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(fast);
        irqfd.stopListening();
        assertEquals(List.of("bind edge", "unbind"), fast.calls);
    }

    @Test
    void everySignalRingsTheDoorbell() throws GunyahException {
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        assertTrue(irqfd.populate(bell));
        efd.write(1);
        efd.write(1);
        assertEquals(List.of("send 1", "send 1"), bell.calls);
    }

    @Test
    void aSignalBeforeTheDoorbellExistsIsLatchedAndDeliveredAtPopulate() throws GunyahException {
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        efd.write(1);
        assertEquals(List.of(), bell.calls);
        irqfd.populate(bell);
        assertEquals(List.of("send 1"), bell.calls);
    }

    @Test
    void aSignalPendingAtBindIsDeliveredToo() throws GunyahException {
        efd.write(5);
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(bell);
        assertEquals(List.of("send 1"), bell.calls);
    }

    @Test
    void levelModeMakesTheDoorbellLevelTriggeredBeforeAnySend() throws GunyahException {
        Irqfd irqfd = new Irqfd(7, true, efd);
        irqfd.listen();
        efd.write(1);
        irqfd.populate(bell);
        assertEquals(List.of("mask 1,1", "send 1"), bell.calls);
    }

    @Test
    void onlyTheFirstDoorbellWithItsLabelIsTaken() {
        Irqfd irqfd = new Irqfd(7, false, efd);
        assertTrue(irqfd.populate(bell));
        assertFalse(irqfd.populate(new RecordingDoorbell()));
    }

    @Test
    void afterUnpopulateSignalsAreLatchedNotSent() throws GunyahException {
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(bell);
        irqfd.unpopulate(bell);
        efd.write(1);
        assertEquals(List.of(), bell.calls);
    }

    @Test
    void closingTheEventfdStopsDelivery() throws GunyahException {
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(bell);
        efd.close();
        efd.signal(1);
        assertEquals(List.of(), bell.calls);
    }

    @Test
    void concurrentWritersLoseNoSignal() throws Exception {
        Irqfd irqfd = new Irqfd(7, false, efd);
        irqfd.listen();
        irqfd.populate(bell);
        int writers = 4;
        int writes = 20_000;
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < writes; i++) {
                        efd.write(1);
                    }
                } catch (GunyahException e) {
                    throw new AssertionError(e);
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(30, TimeUnit.SECONDS));
        // Signals may merge (as eventfd writes merge in the kernel) but the last one is never
        // lost: after the final write the doorbell rang and the counter is drained.
        assertTrue(bell.sends.get() >= 1 && bell.sends.get() <= (long) writers * writes, "sends " + bell.sends.get());
        assertFalse(efd.isReadable(), "every signal was consumed by a ring");
    }

    @Test
    void onTheSubscriptionPathEachAcknowledgementSignalsTheResampleEventfd() throws GunyahException {
        AcknowledgingDoorbell acking = new AcknowledgingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
        irqfd.listen();
        irqfd.populate(acking);
        efd.write(1);
        assertFalse(resample.isReadable(), "no acknowledgement yet");
        acking.acknowledge();
        acking.acknowledge();
        assertEquals(2, resample.read());
    }

    @Test
    void aPlatformThatBindsTheEventfdIsGivenTheResampleEventfdAndAskedNothingMore() throws GunyahException {
        BindingDoorbell fast = new BindingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
        irqfd.listen();
        irqfd.populate(fast);
        assertEquals(List.of("mask 1,1", "bind level resample"), fast.calls, "the platform signals it itself");
    }

    @Test
    void withoutAResampleEventfdNoAcknowledgementIsAskedFor() throws GunyahException {
        AcknowledgingDoorbell acking = new AcknowledgingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd);
        irqfd.listen();
        irqfd.populate(acking);
        assertEquals(List.of("mask 1,1"), acking.calls);
    }

    @Test
    void aPlatformThatTellsOfNoAcknowledgementStillRingsAndWarnsOnceNamingTheLabel() throws GunyahException {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(Irqfd.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        log.addHandler(handler);
        try {
            Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
            irqfd.listen();
            irqfd.populate(bell);
            irqfd.unpopulate(bell);
            irqfd.populate(bell);
            efd.write(1);
        } finally {
            log.removeHandler(handler);
        }
        assertEquals(List.of("mask 1,1", "mask 1,1", "send 1"), bell.calls);
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("irqfd 7:"), warnings.get(0));
    }

    @Test
    void takingTheDoorbellBackEndsTheAcknowledgements() throws GunyahException {
        AcknowledgingDoorbell acking = new AcknowledgingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
        irqfd.listen();
        irqfd.populate(acking);
        irqfd.unpopulate(acking);
        acking.acknowledge();
        assertEquals(List.of("mask 1,1", "acks", "no acks"), acking.calls);
        assertFalse(resample.isReadable());
    }

    @Test
    void stoppingEndsTheAcknowledgements() throws GunyahException {
        AcknowledgingDoorbell acking = new AcknowledgingDoorbell();
        Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
        irqfd.listen();
        irqfd.populate(acking);
        irqfd.stopListening();
        assertEquals(List.of("mask 1,1", "acks", "no acks"), acking.calls);
    }

    @Test
    void theGuestsEoiOfAnEmulatedDoorbellSignalsTheResampleEventfd() throws GunyahException {
        GicDriver guest = new GicDriver(1);
        guest.gic.declare(36, 0);
        guest.enableAll().enable(0, 36);
        EmulatedDoorbell emulated = new EmulatedDoorbell(7, 0x42, 36, guest.gic, () -> true);
        Irqfd irqfd = new Irqfd(7, true, efd, Optional.of(resample));
        irqfd.listen();
        irqfd.populate(new Granted(emulated));
        efd.write(1);
        assertEquals(36, guest.ack(0));
        assertFalse(resample.isReadable(), "taking the interrupt is no acknowledgement");
        guest.eoi(0, 36);
        assertEquals(1, resample.read());
    }
}
