package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {
    private static final PasswordHash HASH = PasswordHash.create("correct horse".toCharArray());

    @Test
    void theRightPasswordMatchesAndOthersDoNot() {
        assertTrue(HASH.matches("correct horse".toCharArray()));
        assertFalse(HASH.matches("correct horsE".toCharArray()));
        assertFalse(HASH.matches(new char[0]));
    }

    @Test
    void anEncodedHashReadsBackAndStillMatches() {
        PasswordHash read = PasswordHash.parse(HASH.encode());

        assertEquals(PasswordHash.ITERATIONS, read.iterations());
        assertTrue(read.matches("correct horse".toCharArray()));
    }

    @Test
    void theEncodingHoldsNoClearTextAndEachHashHasItsOwnSalt() {
        String encoded = HASH.encode();

        assertFalse(encoded.contains("correct"));
        assertTrue(encoded.startsWith("pbkdf2-sha256:600000:"));
        assertNotEquals(
                encoded, PasswordHash.create("correct horse".toCharArray()).encode());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "admin",
                "md5:1:AAAA:BBBB",
                "pbkdf2-sha256:x:AAAAAAAAAAA=:AAAA",
                "pbkdf2-sha256:10:AAAAAAAAAAA=:AAAA"
            })
    void aMalformedHashIsRefused(String encoded) {
        assertThrows(IllegalArgumentException.class, () -> PasswordHash.parse(encoded));
    }
}
