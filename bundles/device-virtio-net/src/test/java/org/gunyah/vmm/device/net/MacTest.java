package org.gunyah.vmm.device.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.api.Test;

class MacTest {
    @Test
    void anAddressReadsAndPrintsAsSixHexBytes() throws GunyahException {
        Mac mac = Mac.parse("52:54:00:AB:cd:0f");

        assertEquals(0x525400abcd0fL, mac.bits());
        assertEquals("52:54:00:ab:cd:0f", mac.toString());
    }

    @Test
    void anotherFormIsEinval() {
        GunyahException e = assertThrows(GunyahException.class, () -> Mac.parse("52-54-00-ab-cd-0f"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("52-54-00-ab-cd-0f"), e.getMessage());
    }

    @Test
    void aMulticastAddressIsEinval() {
        GunyahException e = assertThrows(GunyahException.class, () -> Mac.parse("01:00:5e:00:00:01"));
        assertEquals(Errno.EINVAL, e.errno());
        assertTrue(e.getMessage().contains("multicast"), e.getMessage());
    }

    @Test
    void derivedAddressesAreLocallyAdministeredUnicastAndDifferBySeed() {
        Mac a = Mac.derived("a/lan0/0");
        Mac b = Mac.derived("b/lan0/0");

        assertNotEquals(a, b);
        for (Mac m : new Mac[] {a, b}) {
            assertFalse(m.isGroup(), m.toString());
            assertEquals(2, m.bytes()[0] & 0x02, "locally administered: " + m);
        }
        assertEquals(a, Mac.derived("a/lan0/0"), "the same seed, the same address");
    }
}
