package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.framework.BundleContext;

class PasswordSecurityProviderTest {
    private static final String HASH =
            PasswordHash.create("s3cret-pass".toCharArray()).encode();

    private static PasswordSecurityProvider provider() {
        PasswordSecurityProvider.Config config = new PasswordSecurityProvider.Config() {
            @Override
            public String user() {
                return "admin";
            }

            @Override
            public String password() {
                return HASH;
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return PasswordSecurityProvider.Config.class;
            }
        };
        BundleContext context = (BundleContext) Proxy.newProxyInstance(
                BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class},
                (p, m, a) -> m.getName().equals("getProperty") ? "script" : null);
        return new PasswordSecurityProvider(config, context);
    }

    private static Object authenticate(PasswordSecurityProvider p, String header, Map<String, Object> recorded) {
        return p.authenticate(
                Requests.request("GET", header == null ? Map.of() : Map.of("Authorization", header)),
                Requests.response(recorded));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theConfiguredUserAndPasswordGetIn() {
        PasswordSecurityProvider p = provider();

        assertEquals("admin", authenticate(p, basic("admin", "s3cret-pass"), Requests.recorded()));
        assertEquals(
                "admin",
                authenticate(p, basic("admin", "s3cret-pass"), Requests.recorded()),
                "a second time, from the cache");
        assertTrue(p.authorize("admin", "anything"));
    }

    @Test
    void theDefaultCredentialsNeverWork() {
        Map<String, Object> recorded = Requests.recorded();

        assertNull(authenticate(provider(), basic("admin", "admin"), recorded));
        assertEquals(401, recorded.get("status"));
        assertTrue(((String) recorded.get("WWW-Authenticate")).startsWith("Basic realm="));
    }

    @Test
    void aWrongUserOrGarbageOrNoHeaderIs401() {
        PasswordSecurityProvider p = provider();
        for (String header : new String[] {basic("root", "s3cret-pass"), "Basic !!!", "Bearer x", null}) {
            Map<String, Object> recorded = Requests.recorded();
            assertNull(authenticate(p, header, recorded));
            assertEquals(401, recorded.get("status"));
        }
    }

    private static Object authenticate(
            PasswordSecurityProvider p, String client, String header, Map<String, Object> recorded) {
        return p.authenticate(
                Requests.request("GET", Map.of("Authorization", header), client), Requests.response(recorded));
    }

    @Test
    void aClientThatKeepsGuessingIsRefusedWith429WithoutACheckEvenOfTheRightPassword() {
        PasswordSecurityProvider p = provider();
        for (int i = 0; i <= LoginThrottle.FREE_FAILURES; i++) {
            assertNull(authenticate(p, "10.0.0.1", basic("admin", "guess" + i), Requests.recorded()));
        }
        Map<String, Object> recorded = Requests.recorded();

        assertNull(authenticate(p, "10.0.0.1", basic("admin", "s3cret-pass"), recorded));

        assertEquals(429, recorded.get("status"));
        assertEquals("1", recorded.get("Retry-After"));
    }

    @Test
    void anotherClientGetsInWhileOneBacksOff() {
        PasswordSecurityProvider p = provider();
        for (int i = 0; i <= LoginThrottle.FREE_FAILURES; i++) {
            authenticate(p, "10.0.0.1", basic("admin", "guess" + i), Requests.recorded());
        }

        assertEquals("admin", authenticate(p, "10.0.0.2", basic("admin", "s3cret-pass"), Requests.recorded()));
    }

    @Test
    void aVerifiedPasswordStaysWelcomeFromAClientThatBacksOff() {
        PasswordSecurityProvider p = provider();
        assertEquals("admin", authenticate(p, "10.0.0.1", basic("admin", "s3cret-pass"), Requests.recorded()));
        for (int i = 0; i <= LoginThrottle.FREE_FAILURES; i++) {
            authenticate(p, "10.0.0.1", basic("admin", "guess" + i), Requests.recorded());
        }

        assertEquals("admin", authenticate(p, "10.0.0.1", basic("admin", "s3cret-pass"), Requests.recorded()));
    }
}
