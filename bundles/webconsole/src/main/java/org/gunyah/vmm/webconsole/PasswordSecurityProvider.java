package org.gunyah.vmm.webconsole;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The Web Console's only way in: HTTP Basic against the salted hash in the configuration
 * {@value #PID} ({@code conf/org.gunyah.vmm.webconsole.cfg}, written by
 * {@code gunyah:webconsole-password}). The runtime names this provider in
 * {@code felix.webconsole.security.providers}, so the console serves nothing until a password is
 * set, and its built-in admin/admin never applies. Why a SecurityProvider rather than the
 * console's own password setting: that one keeps a default, is changed through the console
 * itself, and would leave admin/admin working until someone changes it.
 *
 * <p>Credentials verified once are remembered (a keyed digest), so a user's requests cost no hash;
 * the checks of others go through a {@link LoginThrottle}: per remote address, backoff after a
 * few failures, and one check at a time, answered 429 with {@code Retry-After} when refused.
 */
@Component(
        service = SecurityProvider.class,
        configurationPid = PasswordSecurityProvider.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE,
        property = SecurityProvider.PROPERTY_ID + "=" + PasswordSecurityProvider.ID)
public final class PasswordSecurityProvider implements SecurityProvider {
    static final String PID = "org.gunyah.vmm.webconsole";
    static final String ID = "gunyah";
    static final String REALM = "Gunyah VMM";

    /** The configuration: the user name and the encoded {@link PasswordHash}. */
    public @interface Config {
        String user() default "admin";

        String password();
    }

    private final String user;
    private final PasswordHash hash;
    /**
     * Digests of Authorization headers already verified, so that each request does not pay the
     * PBKDF2 cost again; keyed with a per-activation secret, forgotten with the configuration.
     */
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    private final byte[] secret = new byte[32];
    /** Limits the checks of passwords not verified before (see {@link LoginThrottle}). */
    private final LoginThrottle throttle = new LoginThrottle();

    private static final int TOO_MANY_REQUESTS = 429;

    @Activate
    public PasswordSecurityProvider(Config config, org.osgi.framework.BundleContext context) {
        this.user = config.user();
        this.hash = PasswordHash.parse(config.password());
        new SecureRandom().nextBytes(secret);
        // Not in scripts, nor when the launcher switched HTTP off (its port was taken, which it said).
        if (context.getProperty("gunyah.script") == null
                && !"false".equals(context.getProperty("org.apache.felix.http.enable"))) {
            String host = context.getProperty("org.apache.felix.http.host");
            String port = context.getProperty("org.osgi.service.http.port");
            ConsoleLine.print(
                    "Web Console: http://" + (host == null ? "localhost" : host) + ":" + (port == null ? "8080" : port)
                            + "/system/console/" + GunyahPlugin.LABEL + " (user " + user + ")");
        }
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String credentials = header.substring(6).strip();
            String digest = digest(credentials);
            if (verified.contains(digest)) {
                return user; // verified before: no hash, no throttle
            }
            String client = request.getRemoteAddr() == null ? "unknown" : request.getRemoteAddr();
            switch (throttle.admit(client)) {
                case LoginThrottle.Refused refused -> {
                    long seconds = Math.max(1, (refused.retryAfter().toMillis() + 999) / 1000);
                    response.setHeader("Retry-After", Long.toString(seconds));
                    response.setStatus(TOO_MANY_REQUESTS);
                    response.setContentLength(0);
                    return null;
                }
                case LoginThrottle.Attempt attempt -> {
                    boolean ok = false;
                    try {
                        ok = accepts(credentials);
                    } finally {
                        if (ok) {
                            verified.add(digest);
                            attempt.succeeded();
                        } else {
                            attempt.failed();
                        }
                    }
                    if (ok) {
                        return user;
                    }
                }
            }
        }
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setContentLength(0);
        return null;
    }

    /** Checks credentials not verified before: a PBKDF2 hash, which only the throttle lets run. */
    private boolean accepts(String credentials) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        return MessageDigest.isEqual(
                        decoded.substring(0, colon).getBytes(StandardCharsets.UTF_8),
                        user.getBytes(StandardCharsets.UTF_8))
                & hash.matches(decoded.substring(colon + 1).toCharArray());
    }

    private String digest(String credentials) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(secret);
            return Base64.getEncoder().encodeToString(sha.digest(credentials.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean authorize(Object user, String role) {
        return this.user.equals(user);
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        verified.clear();
    }
}
