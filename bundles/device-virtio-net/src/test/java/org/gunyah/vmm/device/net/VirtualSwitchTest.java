package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirtualSwitchTest {
    static final Mac A = new Mac(0x02_00_00_00_00_0aL);
    static final Mac B = new Mac(0x02_00_00_00_00_0bL);
    static final Mac C = new Mac(0x02_00_00_00_00_0cL);
    static final Mac UNKNOWN = new Mac(0x02_00_00_00_00_99L);
    static final Mac MULTICAST = new Mac(0x33_33_00_00_00_01L);

    private final Switches switches = new Switches();

    /** A port that keeps what it receives. */
    record Station(VirtualSwitch.Port port, List<byte[]> got) {
        void send(Mac to, String payload) {
            port.send(frame(to, port.mac(), payload));
        }

        List<String> payloads() {
            return got.stream().map(f -> new String(f, 14, f.length - 14)).toList();
        }
    }

    private Station plug(String switchName, Mac mac) {
        List<byte[]> got = new ArrayList<>();
        return new Station(switches.plug(switchName, got::add, Optional.of(mac), "unused"), got);
    }

    static byte[] frame(Mac to, Mac from, String payload) {
        byte[] p = payload.getBytes();
        byte[] f = new byte[14 + p.length];
        System.arraycopy(to.bytes(), 0, f, 0, 6);
        System.arraycopy(from.bytes(), 0, f, 6, 6);
        f[12] = (byte) 0x88;
        f[13] = (byte) 0xb5; // a local experimental EtherType
        System.arraycopy(p, 0, f, 14, p.length);
        return f;
    }

    @Test
    void aFrameToAnUnknownAddressIsFloodedToEveryOtherPort() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);

        a.send(UNKNOWN, "hello");

        assertEquals(List.of(), a.payloads());
        assertEquals(List.of("hello"), b.payloads());
        assertEquals(List.of("hello"), c.payloads());
    }

    @Test
    void aBroadcastFrameReachesEveryPortButItsSource() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);

        b.send(Mac.BROADCAST, "who has");

        assertEquals(List.of("who has"), a.payloads());
        assertEquals(List.of(), b.payloads());
        assertEquals(List.of("who has"), c.payloads());
    }

    @Test
    void aGroupSourceAddressIsNeverLearned() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);
        c.port().send(frame(B, MULTICAST, "odd source"));

        a.send(MULTICAST, "all nodes");

        assertEquals(List.of("odd source", "all nodes"), b.payloads());
        assertEquals(List.of("all nodes"), c.payloads(), "flooded, not sent to c alone");
    }

    @Test
    void aUnicastFrameGoesOnlyToThePortThatLearnedItsSource() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);
        Mac guest = new Mac(0x02_12_34_56_78_9aL); // an address b's guest chose, not b's own
        b.port().send(frame(Mac.BROADCAST, guest, "hello"));

        a.send(guest, "reply");

        assertEquals(List.of("reply"), b.payloads());
        assertEquals(List.of("hello"), c.payloads(), "c saw the broadcast, not the reply");
    }

    @Test
    void aPortIsKnownByItsOwnAddressFromTheMomentItIsPlugged() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);

        a.send(B, "direct");

        assertEquals(List.of("direct"), b.payloads());
        assertEquals(List.of(), c.payloads());
    }

    @Test
    void noFrameGoesBackToItsSourcePort() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);

        a.send(A, "to myself");

        assertEquals(List.of(), a.payloads());
        assertEquals(List.of(), b.payloads());
    }

    @Test
    void unpluggingAPortForgetsTheAddressesItTaught() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        Station c = plug("lan", C);
        b.port().close();

        a.send(B, "where are you");

        assertEquals(List.of(), b.payloads());
        assertEquals(List.of("where are you"), c.payloads(), "B is unknown again: flooded");
    }

    @Test
    void switchesOfDifferentNamesAreSeparateSegments() {
        Station a = plug("lan0", A);
        Station b = plug("lan1", B);

        a.send(Mac.BROADCAST, "anyone");

        assertEquals(List.of(), b.payloads());
    }

    @Test
    void aSwitchIsMadeOnFirstUseAndGoesWithItsLastPort() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);
        VirtualSwitch lan = switches.find("lan").orElseThrow();
        assertEquals(2, lan.portCount());

        a.port().close();
        assertTrue(switches.find("lan").isPresent(), "b still holds it");
        b.port().close();

        assertEquals(Optional.empty(), switches.find("lan"));
        Station c = plug("lan", C);
        assertNotEquals(lan, c.port().network(), "a new switch, which learned nothing of the old one");
    }

    @Test
    void aFrameShorterThanAnEthernetHeaderIsDroppedAndCounted() {
        Station a = plug("lan", A);
        Station b = plug("lan", B);

        a.port().send(new byte[13]);

        assertEquals(List.of(), b.payloads());
        assertEquals(1, a.port().network().dropped());
    }

    @Test
    void derivedAddressesSkipOnesAlreadyOnTheSwitch() {
        VirtualSwitch.Port first = switches.plug("lan", f -> {}, Optional.empty(), "vm/lan");
        VirtualSwitch.Port second = switches.plug("lan", f -> {}, Optional.empty(), "vm/lan");

        assertEquals(Mac.derived("vm/lan/0"), first.mac());
        assertEquals(Mac.derived("vm/lan/1"), second.mac());
    }
}
