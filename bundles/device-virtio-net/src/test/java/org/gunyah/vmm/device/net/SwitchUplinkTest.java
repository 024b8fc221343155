package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

/** A switch connected to a host TAP: the host is one more station on the segment, behind the uplink. */
class SwitchUplinkTest {
    static final Mac A = VirtualSwitchTest.A;
    static final Mac B = VirtualSwitchTest.B;
    static final Mac HOST = new Mac(0x02_00_00_00_00_01L);

    /** A TAP that records what the switch sends it and lets the test play the host. */
    static final class FakeTap implements Uplink {
        final String name;
        final Consumer<byte[]> fromHost;
        final List<byte[]> toHost = new ArrayList<>();
        boolean closed;

        FakeTap(String name, Consumer<byte[]> fromHost) {
            this.name = name;
            this.fromHost = fromHost;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void receive(byte[] frame) {
            toHost.add(frame);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<FakeTap> opened = new ArrayList<>();
    private final Switches switches = new Switches((name, fromHost) -> {
        FakeTap t = new FakeTap(name, fromHost);
        opened.add(t);
        return t;
    });

    private VirtualSwitch.Port plug(Mac mac, List<byte[]> got, Optional<String> tap) throws GunyahException {
        return switches.plug("lan", got::add, Optional.of(mac), "unused", tap);
    }

    @Test
    void aFrameToAnUnknownAddressReachesTheHostAndTheHostsAnswerReachesItsSender() throws GunyahException {
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        VirtualSwitch.Port pa = plug(A, a, Optional.of("gtap0"));
        plug(B, b, Optional.empty());
        FakeTap tap = opened.getFirst();

        pa.send(VirtualSwitchTest.frame(HOST, A, "who-has"));
        tap.fromHost.accept(VirtualSwitchTest.frame(A, HOST, "is-at"));

        assertEquals(1, tap.toHost.size());
        assertEquals(List.of("is-at"), payloads(a));
        assertEquals(List.of("who-has"), payloads(b), "flooded to the other card too, as the host was unknown");
    }

    @Test
    void onceTheHostSpokeFramesToItGoOnlyToTheUplink() throws GunyahException {
        List<byte[]> a = new ArrayList<>();
        List<byte[]> b = new ArrayList<>();
        VirtualSwitch.Port pa = plug(A, a, Optional.of("gtap0"));
        plug(B, b, Optional.empty());
        FakeTap tap = opened.getFirst();
        tap.fromHost.accept(VirtualSwitchTest.frame(new Mac(0xff_ff_ff_ff_ff_ffL), HOST, "hello"));

        pa.send(VirtualSwitchTest.frame(HOST, A, "to-host"));

        assertEquals(List.of("hello"), payloads(b));
        assertEquals(List.of("hello"), payloads(a));
        assertEquals(1, tap.toHost.size(), "to the host only, not flooded");
    }

    @Test
    void theTapIsClosedWithTheSwitchsLastCardAndReopenedWithTheNextSwitch() throws GunyahException {
        VirtualSwitch.Port a = plug(A, new ArrayList<>(), Optional.of("gtap0"));
        VirtualSwitch.Port b = plug(B, new ArrayList<>(), Optional.of("gtap0"));

        a.close();
        assertFalse(opened.getFirst().closed, "a card is still plugged in");
        b.close();

        assertTrue(opened.getFirst().closed);
        assertTrue(switches.find("lan").isEmpty());
        plug(A, new ArrayList<>(), Optional.of("gtap0"));
        assertEquals(2, opened.size());
    }

    @Test
    void aSecondTapForTheSameSwitchIsEinvalAndPlugsNothing() throws GunyahException {
        plug(A, new ArrayList<>(), Optional.of("gtap0"));

        GunyahException e = assertThrows(GunyahException.class, () -> plug(B, new ArrayList<>(), Optional.of("gtap1")));

        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("gtap0") && e.getMessage().contains("gtap1"), e.getMessage());
        assertEquals(2, switches.find("lan").orElseThrow().portCount(), "card A and the uplink");
        assertEquals(1, opened.size());
    }

    @Test
    void aTapThatCannotBeOpenedLeavesNoSwitch() {
        Switches refusing = new Switches((name, fromHost) -> {
            throw GunyahException.of(Errno.EPERM, "virtio-net tap=%s: TUNSETIFF failed", name);
        });

        GunyahException e = assertThrows(
                GunyahException.class,
                () -> refusing.plug("lan", f -> {}, Optional.of(A), "unused", Optional.of("gtap0")));

        assertEquals(Errno.EPERM, e.errno());
        assertTrue(refusing.find("lan").isEmpty());
    }

    private static List<String> payloads(List<byte[]> frames) {
        return frames.stream().map(f -> new String(f, 14, f.length - 14)).toList();
    }
}
