package org.gunyah.vmm.webconsole;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/** Minimal servlet requests and responses for the tests: headers, method, scheme; status and headers out. */
final class Requests {
    private Requests() {}

    static HttpServletRequest request(String method, Map<String, String> headers) {
        return request(method, headers, "127.0.0.1");
    }

    /** A request from {@code remoteAddr}. */
    static HttpServletRequest request(String method, Map<String, String> headers, String remoteAddr) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                Requests.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getScheme" -> "http";
                    case "getHeader" -> headers.get((String) args[0]);
                    case "getRemoteAddr" -> remoteAddr;
                    default -> null;
                });
    }

    /** A response that records what was set: "status" and the header names. */
    static HttpServletResponse response(Map<String, Object> recorded) {
        return (HttpServletResponse) Proxy.newProxyInstance(
                Requests.class.getClassLoader(), new Class<?>[] {HttpServletResponse.class}, (proxy, m, args) -> {
                    switch (m.getName()) {
                        case "setStatus" -> recorded.put("status", args[0]);
                        case "setHeader" -> recorded.put((String) args[0], args[1]);
                        default -> {}
                    }
                    return null;
                });
    }

    static Map<String, Object> recorded() {
        return new HashMap<>();
    }
}
