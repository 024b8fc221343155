package org.gunyah.vmm.api.dt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

class FdtTest {
    static final DtNode TREE = DtNode.builder("")
            .property("compatible", "gunyah,vm", "dummy")
            .child(DtNode.builder("cpus")
                    .child(DtNode.builder("cpu@0")
                            .property("reg", 0)
                            .property("enable")
                            .build())
                    .child(DtNode.builder("cpu@1")
                            .property("reg", 1)
                            .propertyU64("big", 0x1122334455667788L)
                            .build())
                    .build())
            .build();

    @Test
    void aTreeSurvivesTheRoundTrip() throws GunyahException {
        DtNode back = Fdt.decode(Fdt.encode(TREE));
        assertEquals(TREE, back);
        assertEquals(
                List.of("gunyah,vm", "dummy"),
                back.property("compatible").orElseThrow().asStrings());
        assertEquals(
                1,
                back.find("/cpus/cpu@1")
                        .orElseThrow()
                        .property("reg")
                        .orElseThrow()
                        .asU32());
        assertEquals(
                0x1122334455667788L,
                back.find("cpus/cpu@1")
                        .orElseThrow()
                        .property("big")
                        .orElseThrow()
                        .asU64());
        assertTrue(back.find("/cpus/cpu@0")
                .orElseThrow()
                .property("enable")
                .orElseThrow()
                .isEmpty());
    }

    /** The expected bytes are what dtc 1.6 makes of {@code / { a = <1>; };}. */
    @Test
    void theEncodingIsByteForByteWhatDtcProduces() {
        byte[] blob = Fdt.encode(DtNode.builder("").property("a", 1).build());
        String expected = "d00dfeed" + "0000005a" + "00000038" + "00000058" + "00000028" + "00000011" + "00000010"
                + "00000000" + "00000002" + "00000020" + "0000000000000000" + "0000000000000000"
                + "00000001" + "00000000" + "00000003" + "00000004" + "00000000" + "00000001" + "00000002"
                + "00000009" + "6100";
        assertEquals(expected, HexFormat.of().formatHex(blob));
    }

    static Errno errnoOf(byte[] blob) {
        return assertThrows(GunyahException.class, () -> Fdt.decode(blob)).errno();
    }

    @Test
    void malformedBlobsAreEinval() {
        byte[] good = Fdt.encode(TREE);
        byte[] badMagic = good.clone();
        badMagic[0] = 0;
        assertEquals(Errno.EINVAL, errnoOf(badMagic));
        assertEquals(Errno.EINVAL, errnoOf(java.util.Arrays.copyOf(good, 20)));
        assertEquals(Errno.EINVAL, errnoOf(java.util.Arrays.copyOf(good, good.length - 8)));
        byte[] hugeStruct = good.clone();
        ByteBuffer.wrap(hugeStruct).putInt(36, 0x7fffffff);
        assertEquals(Errno.EINVAL, errnoOf(hugeStruct));
        byte[] badToken = good.clone();
        ByteBuffer.wrap(badToken).putInt(ByteBuffer.wrap(good).getInt(8), 0x77);
        assertEquals(Errno.EINVAL, errnoOf(badToken));
    }

    @Test
    void nestingDeeperThanTheLimitIsEinval() {
        DtNode n = DtNode.builder("leaf").build();
        for (int i = 0; i < Fdt.MAX_DEPTH + 1; i++) {
            n = DtNode.builder("n" + i).child(n).build();
        }
        assertEquals(Errno.EINVAL, errnoOf(Fdt.encode(n)));
    }

    @Test
    void mutatedBlobsDecodeOrFailWithEinvalOnly() {
        byte[] good = Fdt.encode(TREE);
        for (long seed = 0; seed < 2000; seed++) {
            Random r = new Random(seed);
            byte[] blob = java.util.Arrays.copyOf(good, r.nextInt(good.length + 1));
            for (int i = 0; i < 1 + r.nextInt(4) && blob.length > 0; i++) {
                blob[r.nextInt(blob.length)] = (byte) r.nextInt();
            }
            try {
                Fdt.decode(blob);
            } catch (GunyahException e) {
                assertEquals(Errno.EINVAL, e.errno());
            }
        }
        assertArrayEquals(good, Fdt.encode(TREE));
    }
}
