package org.gunyah.vmm.webconsole;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import org.osgi.service.component.annotations.Component;

/**
 * CSRF protection for every page of the Web Console, ours and the stock ones: a request that can
 * change state (anything but GET, HEAD, OPTIONS) must come from the console's own origin, as its
 * Origin header (or, when a browser sends none, its Referer) says. A cross-site form post carries
 * the attacker's origin and is refused with 403; so is one that carries neither header.
 */
@Component(
        service = Filter.class,
        property = {
            "osgi.http.whiteboard.filter.name=gunyah-same-origin",
            "osgi.http.whiteboard.filter.pattern=/*",
            "osgi.http.whiteboard.context.select=(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)"
        })
public final class SameOriginFilter implements Filter {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (SAFE.contains(request.getMethod())) {
            chain.doFilter(req, res);
            return;
        }
        String refusal = refusal(request);
        if (refusal == null) {
            chain.doFilter(req, res);
            return;
        }
        HttpServletResponse response = (HttpServletResponse) res;
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("text/plain;charset=UTF-8");
        response.getWriter().println("cross-site request refused: " + refusal);
    }

    /** Why the request is not same-origin, or null when it is. */
    static String refusal(HttpServletRequest request) {
        String claimed = request.getHeader("Origin");
        String header = "Origin";
        if (claimed == null) {
            claimed = request.getHeader("Referer");
            header = "Referer";
        }
        if (claimed == null) {
            return "a " + request.getMethod() + " needs an Origin or Referer header";
        }
        String expected = request.getScheme() + "://" + request.getHeader("Host");
        String actual = origin(claimed);
        return expected.equalsIgnoreCase(actual) ? null : header + " " + claimed + " is not " + expected;
    }

    private static String origin(String url) {
        try {
            URI u = new URI(url.strip());
            if (u.getScheme() == null || u.getHost() == null) {
                return "";
            }
            return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
        } catch (URISyntaxException e) {
            return "";
        }
    }
}
