package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Any frames, from any port, addressed to anyone (the addresses drawn mostly from the ports' own, a
 * group address and a stranger, so that learning is exercised): each port receives exactly what a
 * learning switch sends it, the very frame sent, never its own; a frame too short to be Ethernet
 * goes nowhere. The model is the switch's rule, written once more in the test.
 */
class SwitchFuzzTest {
    private static final int PORTS = 4;

    @FuzzTest
    void eachPortGetsExactlyWhatALearningSwitchSendsIt(FuzzedDataProvider data) {
        Switches switches = new Switches();
        List<VirtualSwitch.Port> ports = new ArrayList<>();
        List<List<byte[]>> got = new ArrayList<>();
        Map<Mac, Integer> learned = new HashMap<>();
        for (int i = 0; i < PORTS; i++) {
            List<byte[]> inbox = new ArrayList<>();
            got.add(inbox);
            Mac mac = new Mac(0x02_00_00_00_00_00L + i);
            ports.add(switches.plug("lan", inbox::add, Optional.of(mac), "fuzz"));
            learned.put(mac, i);
        }
        int frames = data.consumeInt(1, 32);
        for (int n = 0; n < frames; n++) {
            int from = data.consumeInt(0, PORTS - 1);
            byte[] frame = data.consumeBoolean()
                    ? data.consumeBytes(data.consumeInt(0, 13))
                    : frame(data, address(data), address(data));
            List<Integer> expected = expected(learned, from, frame);
            int[] before = got.stream().mapToInt(List::size).toArray();

            ports.get(from).send(frame);

            for (int p = 0; p < PORTS; p++) {
                int added = got.get(p).size() - before[p];
                assertEquals(expected.contains(p) ? 1 : 0, added, "port " + p + " for a frame from " + from);
                if (added == 1) {
                    assertSame(frame, got.get(p).getLast());
                }
            }
        }
        ports.forEach(VirtualSwitch.Port::close);
    }

    /** The ports a learning switch sends {@code frame} to, learning its source as it goes. */
    private static List<Integer> expected(Map<Mac, Integer> learned, int from, byte[] frame) {
        if (frame.length < VirtualSwitch.MIN_FRAME) {
            return List.of();
        }
        Mac destination = Mac.at(frame, 0);
        Mac source = Mac.at(frame, 6);
        if (!source.isGroup()) {
            learned.put(source, from);
        }
        Integer known = destination.isGroup() ? null : learned.get(destination);
        List<Integer> targets = new ArrayList<>();
        for (int p = 0; p < PORTS; p++) {
            if (p != from && (known == null || known == p)) {
                targets.add(p);
            }
        }
        return targets;
    }

    private static Mac address(FuzzedDataProvider data) {
        return switch (data.consumeInt(0, 3)) {
            case 0, 1 -> new Mac(0x02_00_00_00_00_00L + data.consumeInt(0, PORTS));
            case 2 -> new Mac(0xff_ff_ff_ff_ff_ffL);
            default -> new Mac(data.consumeLong() & 0xffff_ffff_ffffL);
        };
    }

    private static byte[] frame(FuzzedDataProvider data, Mac to, Mac from) {
        byte[] payload = data.consumeBytes(data.consumeInt(0, 64));
        byte[] f = new byte[VirtualSwitch.MIN_FRAME + payload.length];
        System.arraycopy(to.bytes(), 0, f, 0, 6);
        System.arraycopy(from.bytes(), 0, f, 6, 6);
        System.arraycopy(payload, 0, f, VirtualSwitch.MIN_FRAME, payload.length);
        return f;
    }
}
