package org.gunyah.vmm.managed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumbersTest {
    @ParameterizedTest
    @CsvSource({"42,42", "0x2a,42", "0X2A,42", "0o52,42", "0b101010,42", "1_000,1000", "0xffffffffffffffff,-1"})
    void numbersAreReadInAnyOfFourBases(String text, long value) throws GunyahException {
        assertEquals(value, Numbers.parse("n", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "-1", "+1", "0x", "12ab", "0x1_0000_0000_0000_0000", "0b2"})
    void anythingElseIsEinval(String text) {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> Numbers.parse("n", text))
                        .errno());
    }

    @ParameterizedTest
    @CsvSource({
        "4096,4096",
        "64k,65536",
        "64K,65536",
        "16M,16777216",
        "16MiB,16777216",
        "1G,1073741824",
        "0x1000,4096",
        "512b,512"
    })
    void sizesTakeBinarySuffixes(String text, long value) throws GunyahException {
        assertEquals(value, Numbers.parseSize("--memory", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"16T", "k", "99999999999999999999G"})
    void unreadableSizesAreEinval(String text) {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> Numbers.parseSize("--memory", text))
                        .errno());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x100000000", "4294967296"})
    void a32BitFieldRefusesLargerValues(String text) {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> Numbers.parseU32("label", text))
                        .errno());
    }

    @ParameterizedTest
    @CsvSource({"500ms,500", "30s,30000", "2m,120000", "1h,3600000", " 15S ,15000"})
    void durationsTakeTheirUnit(String text, long millis) throws GunyahException {
        assertEquals(java.time.Duration.ofMillis(millis), Numbers.parseDuration("watchdog", text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"30", "s", "1.5s", "-3s", "2 days", "9999999999s"})
    void unreadableDurationsAreEinval(String text) {
        assertEquals(
                Errno.EINVAL,
                assertThrows(GunyahException.class, () -> Numbers.parseDuration("watchdog", text))
                        .errno());
    }

    @ParameterizedTest
    @CsvSource({"500,500ms", "30000,30s", "120000,2m", "3600000,1h", "1500,1500ms"})
    void durationsAreWrittenInTheirLargestWholeUnit(long millis, String text) {
        assertEquals(text, Numbers.format(java.time.Duration.ofMillis(millis)));
    }
}
