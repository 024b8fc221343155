package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SameOriginFilterTest {
    private static String refusal(Map<String, String> headers) {
        return SameOriginFilter.refusal(Requests.request("POST", headers));
    }

    @Test
    void aPostFromTheConsolesOwnOriginPasses() {
        assertNull(refusal(Map.of("Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:8080")));
    }

    @Test
    void aRefererStandsInForAMissingOrigin() {
        assertNull(
                refusal(Map.of("Host", "127.0.0.1:8080", "Referer", "http://127.0.0.1:8080/system/console/bundles")));
    }

    @Test
    void anotherOriginIsRefusedNamingIt() {
        String why = refusal(Map.of("Host", "127.0.0.1:8080", "Origin", "http://evil.example"));

        assertTrue(why.contains("http://evil.example"), why);
    }

    @Test
    void anotherPortOrSchemeIsAnotherOrigin() {
        assertNotNull(refusal(Map.of("Host", "127.0.0.1:8080", "Origin", "http://127.0.0.1:9090")));
        assertNotNull(refusal(Map.of("Host", "127.0.0.1:8080", "Origin", "https://127.0.0.1:8080")));
    }

    @Test
    void aPostWithNeitherHeaderIsRefused() {
        assertNotNull(refusal(Map.of("Host", "127.0.0.1:8080")));
        assertNotNull(refusal(Map.of("Host", "127.0.0.1:8080", "Origin", "null")));
    }
}
