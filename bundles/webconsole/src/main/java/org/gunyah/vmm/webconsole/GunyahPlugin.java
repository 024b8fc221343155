package org.gunyah.vmm.webconsole;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.gunyah.vmm.managed.ManagedVms;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.owasp.encoder.Encode;

/**
 * The "Gunyah" page of the Web Console: the function types, VMs and their devices (as
 * gunyah:functions, gunyah:vms and gunyah:vm-devices), a deploy form, and undeploy buttons that go through {@link FunctionAdmin} exactly as
 * gunyah:undeploy does, so the rules and error texts are the same. The page polls
 * {@code state.json} every second; {@code undeploy.json} and {@code deploy.json} take the actions
 * and answer {@code {"message": ...}} or {@code {"error": "EBUSY: ..."}}, never a stack trace.
 */
@Component(
        service = Servlet.class,
        property = {
            "felix.webconsole.label=" + GunyahPlugin.LABEL,
            "felix.webconsole.title=Gunyah",
            "felix.webconsole.category=Gunyah VMM",
            "felix.webconsole.css=/" + GunyahPlugin.LABEL + "/res/gunyah.css"
        })
public final class GunyahPlugin extends HttpServlet {
    static final String LABEL = "gunyah";
    private static final long serialVersionUID = 1L;
    /** The largest bundle the deploy form takes. */
    private static final long MAX_UPLOAD = 64L << 20;

    private final transient FunctionAdmin admin;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private transient volatile ManagedVms vms;

    @Activate
    public GunyahPlugin(@Reference FunctionAdmin admin) {
        this.admin = admin;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getRequestURI().endsWith("/state.json")) {
            json(response, HttpServletResponse.SC_OK, state());
            return;
        }
        page(request, response.getWriter());
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String uri = request.getRequestURI();
        try {
            if (uri.endsWith("/undeploy.json")) {
                json(response, HttpServletResponse.SC_OK, Map.of("message", undeploy(request)));
            } else if (uri.endsWith("/deploy.json")) {
                json(response, HttpServletResponse.SC_OK, Map.of("message", deploy(request)));
            } else {
                json(response, HttpServletResponse.SC_NOT_FOUND, Map.of("error", "ENOENT: no action " + uri));
            }
        } catch (GunyahException e) {
            json(response, status(e), Map.of("error", e.getMessage()));
        } catch (RuntimeException e) {
            json(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, Map.of("error", "EIO: " + e));
        }
    }

    private static int status(GunyahException e) {
        return switch (e.errno()) {
            case EBUSY, EEXIST -> HttpServletResponse.SC_CONFLICT;
            case ENOENT -> HttpServletResponse.SC_NOT_FOUND;
            default -> HttpServletResponse.SC_BAD_REQUEST;
        };
    }

    private String undeploy(HttpServletRequest request) throws GunyahException {
        String type = request.getParameter("type");
        if (type == null || type.isBlank()) {
            throw GunyahException.of(org.gunyah.vmm.api.Errno.EINVAL, "undeploy needs a function type");
        }
        boolean force = "true".equals(request.getParameter("force"));
        int instances = admin.functionTypes().stream()
                .filter(t -> type.equals(Integer.toUnsignedString(t.type()))
                        || type.equals(t.provider().name()))
                .mapToInt(FunctionTypeInfo::instances)
                .sum();
        // The page's undeploy removes the bundle (gunyah:undeploy -u; with force, -f -u): what a
        // person clicking it expects, and what lets the deploy form bring it back.
        admin.undeploy(
                type,
                force
                        ? new UndeployOption[] {UndeployOption.FORCE, UndeployOption.UNINSTALL}
                        : new UndeployOption[] {UndeployOption.UNINSTALL});
        return "undeployed " + type + ": bundle uninstalled"
                + (instances > 0 ? ", " + instances + " instance" + (instances == 1 ? "" : "s") + " unbound" : "");
    }

    private String deploy(HttpServletRequest request) throws GunyahException, IOException {
        String name = request.getHeader("X-File-Name");
        String file = name == null
                ? ""
                : Path.of(name.replace('\\', '/')).getFileName().toString();
        if (!file.endsWith(".jar") || file.startsWith(".")) {
            throw GunyahException.of(org.gunyah.vmm.api.Errno.EINVAL, "upload a bundle .jar (got '%s')", name);
        }
        if (request.getContentLengthLong() > MAX_UPLOAD) {
            throw GunyahException.of(
                    org.gunyah.vmm.api.Errno.EFBIG, "%s is larger than %d MiB", file, MAX_UPLOAD >> 20);
        }
        Path dir = Files.createTempDirectory("gunyah-upload-");
        Path jar = dir.resolve(file);
        try {
            try (InputStream in = request.getInputStream()) {
                Files.write(jar, in.readNBytes((int) MAX_UPLOAD + 1));
            }
            if (Files.size(jar) > MAX_UPLOAD) {
                throw GunyahException.of(
                        org.gunyah.vmm.api.Errno.EFBIG, "%s is larger than %d MiB", file, MAX_UPLOAD >> 20);
            }
            FunctionTypeInfo t = admin.deploy(jar.toUri());
            ProviderInfo p = t.provider();
            return String.format(
                    "deployed %s (type %s) from bundle %d %s %s",
                    p.name(), Integer.toUnsignedString(t.type()), p.bundleId(), p.symbolicName(), p.version());
        } finally {
            Files.deleteIfExists(jar);
            Files.deleteIfExists(dir);
        }
    }

    private Map<String, Object> state() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("functions", AdminView.functions(admin, vms));
        state.put("vms", AdminView.vms(admin, vms));
        state.put("devices", AdminView.devices(vms));
        state.put("deviceModels", AdminView.deviceModels(vms));
        return state;
    }

    private static void json(HttpServletResponse response, int status, Object body) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setHeader("Cache-Control", "no-store");
        response.getWriter().write(Json.write(body));
    }

    private void page(HttpServletRequest request, PrintWriter out) {
        Object root = request.getAttribute("felix.webconsole.appRoot");
        String base = (root == null ? "/system/console" : root.toString()) + "/" + LABEL;
        out.println("<div id='gunyah' data-base='" + Encode.forHtmlAttribute(base) + "'>");
        out.println("<p id='gunyah-message' class='statline' role='status' aria-live='polite'>&nbsp;</p>");
        out.println("<h2>Function types</h2>");
        table(out, "gunyah-functions", withActions(AdminView.FUNCTION_COLUMNS), functionRows());
        out.println("<form id='gunyah-deploy'><label>Deploy a function bundle: <input type='file' id='gunyah-jar'"
                + " accept='.jar'></label> <button type='submit'>Deploy</button></form>");
        out.println("<h2>VMs</h2>");
        table(out, "gunyah-vms", AdminView.VM_COLUMNS, AdminView.vms(admin, vms));
        out.println("<h2>Devices</h2>");
        out.println("<p>Device models provided: <span id='gunyah-device-models'>"
                + Encode.forHtml(AdminView.deviceModels(vms)) + "</span></p>");
        table(out, "gunyah-devices", AdminView.DEVICE_COLUMNS, AdminView.devices(vms));
        out.println(
                "<p class='gunyah-note'>Updated every second. Undeploy removes a type's bundle (as gunyah:undeploy -u)"
                        + " and is refused while VMs use the type; force undeploy unbinds every instance first (-f"
                        + " -u).</p>");
        out.println("</div>");
        out.println("<script src='" + Encode.forHtmlAttribute(base + "/res/gunyah.js") + "'></script>");
    }

    private List<List<String>> functionRows() {
        List<List<String>> rows = new ArrayList<>();
        for (List<String> r : AdminView.functions(admin, vms)) {
            List<String> withAction = new ArrayList<>(r);
            withAction.add("");
            rows.add(withAction);
        }
        return rows;
    }

    private static List<String> withActions(List<String> columns) {
        List<String> c = new ArrayList<>(columns);
        c.add("Actions");
        return c;
    }

    /** The first paint, before the script takes over (it renders the same cells, and the buttons). */
    private static void table(PrintWriter out, String id, List<String> columns, List<List<String>> rows) {
        out.println("<table id='" + id + "' class='nicetable'><thead><tr>");
        for (String c : columns) {
            out.print("<th>" + Encode.forHtml(c) + "</th>");
        }
        out.println("</tr></thead><tbody>");
        for (List<String> r : rows) {
            out.print("<tr>");
            for (String cell : r) {
                out.print("<td>" + Encode.forHtml(cell) + "</td>");
            }
            out.println("</tr>");
        }
        out.println("</tbody></table>");
    }
}
