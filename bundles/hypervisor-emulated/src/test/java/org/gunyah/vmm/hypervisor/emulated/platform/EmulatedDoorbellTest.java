package org.gunyah.vmm.hypervisor.emulated.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.hypervisor.emulated.gic.GicDriver;
import org.gunyah.vmm.hypervisor.emulated.gic.Gicv3;
import org.gunyah.vmm.spi.VmContext.Registration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmulatedDoorbellTest {
    private final GicDriver gic = new GicDriver(1);
    private boolean running = true;
    private final EmulatedDoorbell bell = new EmulatedDoorbell(5, 0x1000, 36, gic.gic, () -> running);

    @BeforeEach
    void wire() {
        gic.gic.declare(36, 0);
        gic.enableAll().enable(0, 36);
    }

    @Test
    void anEdgeDoorbellRaisesOneInterruptPerSendOutsideHandling() throws GunyahException {
        bell.send(1);
        assertEquals(36, gic.ack(0));
        bell.send(1);
        gic.eoi(0, 36);
        assertEquals(36, gic.ack(0), "the send during handling is delivered after EOI");
    }

    @Test
    void aLevelDoorbellAbsorbsSendsUntilTheGuestEndsTheInterrupt() throws GunyahException {
        bell.setMask(1, 1);
        bell.send(1);
        assertEquals(36, gic.ack(0));
        bell.send(1);
        assertEquals(1, bell.flags());
        gic.eoi(0, 36);
        assertEquals(0, bell.flags(), "EOI acknowledges: the ack mask clears the flags");
        assertEquals(Gicv3.SPURIOUS, gic.ack(0), "the line dropped: no second interrupt");
    }

    @Test
    void aLevelDoorbellWithFlagsOutsideTheAckMaskStaysAsserted() throws GunyahException {
        bell.setMask(3, 1);
        bell.send(3);
        assertEquals(36, gic.ack(0));
        gic.eoi(0, 36);
        assertEquals(2, bell.flags());
        assertEquals(36, gic.ack(0), "bit 1 is enabled and not acknowledged");
    }

    @Test
    void sendingToAVmThatIsNotRunningIsEnodev() {
        running = false;
        GunyahException e = assertThrows(GunyahException.class, () -> bell.send(1));
        assertEquals(Errno.ENODEV, e.errno());
        assertEquals(Gicv3.SPURIOUS, gic.ack(0));
    }

    @Test
    void acknowledgementListenersHearEachEoiOfALevelDoorbell() throws GunyahException {
        AtomicInteger acks = new AtomicInteger();
        bell.setMask(1, 1);
        bell.onAcknowledge(acks::incrementAndGet).orElseThrow();
        bell.send(1);
        assertEquals(36, gic.ack(0));
        assertEquals(0, acks.get(), "taking the interrupt is not its end");
        gic.eoi(0, 36);
        assertEquals(1, acks.get());
    }

    @Test
    void anEdgeDoorbellsEoiIsNoAcknowledgement() throws GunyahException {
        AtomicInteger acks = new AtomicInteger();
        bell.onAcknowledge(acks::incrementAndGet).orElseThrow();
        bell.send(1);
        assertEquals(36, gic.ack(0));
        gic.eoi(0, 36);
        assertEquals(0, acks.get());
    }

    @Test
    void anAcknowledgementListenerMaySendAgainAndTheInterruptComesBack() throws GunyahException {
        bell.setMask(1, 1);
        bell.onAcknowledge(() -> {
            try {
                bell.send(1); // a device whose line is still up: runs outside the GIC's lock
            } catch (GunyahException e) {
                throw new AssertionError(e);
            }
        });
        bell.send(1);
        assertEquals(36, gic.ack(0));
        gic.eoi(0, 36);
        assertEquals(1, bell.flags());
        assertEquals(36, gic.ack(0), "asserted again after the acknowledgement");
    }

    @Test
    void aClosedAcknowledgementListenerHearsNoMore() throws GunyahException {
        AtomicInteger acks = new AtomicInteger();
        bell.setMask(1, 1);
        Registration r = bell.onAcknowledge(acks::incrementAndGet).orElseThrow();
        r.close();
        bell.send(1);
        assertEquals(36, gic.ack(0));
        gic.eoi(0, 36);
        assertEquals(0, acks.get());
    }
}
