package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Web Console in a real browser: the unpacked runtime with a password set, driven by headless
 * Chromium (Debian's chromium and chromium-driver, which .ci/run installs). The page is used as a
 * person would: log in, read the tables, undeploy (refused), force undeploy, upload the bundle back.
 */
class WebConsoleIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String PASSWORD = "correct-horse-battery";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private static Path home;
    private static int port;
    private static Process runtime;
    private static OutputStream console;
    private static final StringBuffer output = new StringBuffer();
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startRuntime() throws Exception {
        home = RuntimeIT.unpack();
        port = RuntimeIT.freePort();
        Process set =
                runtimeProcess("-c", "gunyah:webconsole-password " + PASSWORD).start();
        assertTrue(set.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, set.exitValue(), new String(set.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        runtime = runtimeProcess().start();
        console = runtime.getOutputStream();
        CompletableFuture<Void> serving = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(runtime.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                    if (line.startsWith("Web Console: http://")) {
                        serving.complete(null);
                    }
                }
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
        });
        serving.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static ProcessBuilder runtimeProcess(String... args) {
        List<String> command =
                new java.util.ArrayList<>(List.of(home.resolve("bin/gunyah").toString()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true);
        b.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + port);
        return b;
    }

    @AfterAll
    static void stopRuntime() throws Exception {
        if (runtime != null) {
            console.write("gunyah:shutdown\n".getBytes(StandardCharsets.UTF_8));
            console.flush();
            if (!runtime.waitFor(30, TimeUnit.SECONDS)) {
                runtime.destroyForcibly();
            }
        }
    }

    private static void type(String commands) throws IOException {
        console.write((commands + "\n").getBytes(StandardCharsets.UTF_8));
        console.flush();
    }

    private static String base() {
        return "http://127.0.0.1:" + port + "/system/console/gunyah";
    }

    private static HttpResponse<String> request(String path, String user, String password, String origin, String body)
            throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(base() + path)).timeout(WAIT);
        if (user != null) {
            b.header(
                    "Authorization",
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        if (body != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDefaultCredentialsAndWrongOnesGet401AndNothingElse() throws Exception {
        for (String[] credentials :
                new String[][] {{"admin", "admin"}, {"admin", "wrong-password"}, {"root", PASSWORD}, {null, null}}) {
            HttpResponse<String> r = request("", credentials[0], credentials[1], null, null);
            assertEquals(401, r.statusCode(), String.join(":", credentials[0] + "", credentials[1] + ""));
            assertEquals("", r.body());
        }
    }

    @Test
    void aCrossSitePostIsRefusedAndChangesNothing() throws Exception {
        HttpResponse<String> r =
                request("/undeploy.json", "admin", PASSWORD, "http://evil.example", "type=ioeventfd&force=true");

        assertEquals(403, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("cross-site request refused"), r.body());
        assertTrue(request("/state.json", "admin", PASSWORD, null, null).body().contains("ioeventfd"));
    }

    @Test
    void aCrossSitePostToAStockPageIsRefusedToo() throws Exception {
        HttpRequest stop = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system/console/bundles/1"))
                .timeout(WAIT)
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Origin", "http://evil.example")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("action=stop"))
                .build();

        HttpResponse<String> r = http.send(stop, HttpResponse.BodyHandlers.ofString());

        assertEquals(403, r.statusCode(), r.body());
    }

    @Test
    void anUploadThatIsNoFunctionBundleIsRefusedAndLeavesNothing() throws Exception {
        Path plain = Files.createTempDirectory(home, "upload").resolve("plain.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        m.getMainAttributes().putValue("Bundle-SymbolicName", "test.plain");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plain), m)) {
            // a bundle, but no function
        }
        HttpRequest upload = HttpRequest.newBuilder(URI.create(base() + "/deploy.json"))
                .timeout(WAIT)
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(("admin:" + PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Origin", "http://127.0.0.1:" + port)
                .header("X-File-Name", "plain.jar")
                .POST(HttpRequest.BodyPublishers.ofFile(plain))
                .build();

        HttpResponse<String> r = http.send(upload, HttpResponse.BodyHandlers.ofString());

        assertEquals(400, r.statusCode(), r.body());
        assertTrue(
                r.body().contains("EINVAL") && r.body().contains("declares no gunyah.function capability"), r.body());
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            assertTrue(functions.noneMatch(p -> p.getFileName().toString().equals("plain.jar")));
        }
    }

    @Test
    void aPersonUndeploysAndDeploysAFunctionTypeInTheBrowser() throws Exception {
        Assumptions.assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "skipped: /usr/bin/chromium and /usr/bin/chromedriver are needed (Debian packages chromium and"
                        + " chromium-driver; .ci/run installs them when it runs as root)");
        Path vcpuJar;
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            Path original = functions
                    .filter(p -> p.getFileName().toString().contains("function.vcpu"))
                    .findFirst()
                    .orElseThrow();
            vcpuJar = Files.createTempDirectory(home, "keep").resolve(original.getFileName());
            Files.copy(original, vcpuJar);
        }
        Path profile = Files.createTempDirectory(home, "chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--user-data-dir=" + profile,
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            WebDriverWait wait = new WebDriverWait(browser, WAIT);
            // Log in: HTTP Basic, with the credentials in the address as a person's browser would send them after the
            // prompt.
            browser.get("http://admin:" + PASSWORD + "@127.0.0.1:" + port + "/system/console/gunyah");
            wait.until(d -> rows(d, "gunyah-functions").stream()
                    .map(r -> r.get(1))
                    .toList()
                    .equals(List.of("vcpu", "irqfd", "ioeventfd")));

            type("gunyah:vm-create web\ngunyah:fn-add web vcpu id=0\ngunyah:vm-create dev --devices virtio-rng");
            wait.until(d -> rows(d, "gunyah-vms").stream()
                    .anyMatch(r -> r.get(1).equals("web") && r.get(5).equals("vcpu:0")));
            wait.until(d -> rows(d, "gunyah-devices")
                    .equals(List.of(List.of(
                            "dev", "virtio-rng", "0xb000000 (0x200 bytes)", "16", "attached", "never replaced"))));
            assertTrue(
                    browser.findElement(By.id("gunyah-device-models")).getText().contains("virtio-rng"),
                    browser.findElement(By.id("gunyah-device-models")).getText());
            wait.until(d -> row(d, "vcpu").get(6).equals("web(1)"));

            click(browser, wait, "vcpu", "Undeploy");
            wait.until(d -> message(d).contains("EBUSY"));
            assertTrue(message(browser).contains("is in use: VM"), message(browser));
            assertEquals("error", browser.findElement(By.id("gunyah-message")).getAttribute("data-kind"));
            wait.until(d -> row(d, "vcpu").get(4).equals("ACTIVE"));

            click(browser, wait, "vcpu", "Force undeploy");
            wait.until(d -> message(d).startsWith("undeployed vcpu: bundle uninstalled, 1 instance unbound"));
            wait.until(d ->
                    rows(d, "gunyah-functions").stream().noneMatch(r -> r.get(1).equals("vcpu")));
            wait.until(d -> rows(d, "gunyah-vms").stream()
                    .anyMatch(r -> r.get(1).equals("web") && r.get(5).equals("- (waiting for vcpu:0)")));

            browser.findElement(By.id("gunyah-jar")).sendKeys(vcpuJar.toString());
            browser.findElement(By.cssSelector("#gunyah-deploy button[type=submit]"))
                    .click();
            wait.until(d -> message(d).startsWith("deployed vcpu (type 1) from bundle"));
            wait.until(d -> rows(d, "gunyah-functions").stream()
                    .anyMatch(r -> r.get(1).equals("vcpu") && r.get(4).equals("ACTIVE")));
            // The VM keeps its functions: the vcpu comes back with its bundle.
            wait.until(d -> rows(d, "gunyah-vms").stream()
                    .anyMatch(r -> r.get(1).equals("web") && r.get(5).equals("vcpu:0")));

            Path shot = Path.of("target", "webconsole-gunyah.png");
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            assertTrue(Files.size(shot) > 0);
        } catch (RuntimeException | AssertionError e) {
            Files.write(
                    Path.of("target", "webconsole-failure.png"),
                    ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            throw new AssertionError(
                    "the page: " + browser.findElement(By.id("gunyah")).getText() + "\nthe runtime printed:\n" + output,
                    e);
        } finally {
            browser.quit();
        }
    }

    private static String message(WebDriver d) {
        return d.findElement(By.id("gunyah-message")).getText();
    }

    /** Clicks the row's button; a repaint that replaced it just then is waited out and the click retried. */
    private static void click(WebDriver d, WebDriverWait wait, String type, String label) {
        wait.until(x -> {
            try {
                WebElement button =
                        x.findElements(By.cssSelector("#gunyah-functions button[data-type='" + type + "']")).stream()
                                .filter(b -> b.getText().equals(label))
                                .findFirst()
                                .orElse(null);
                if (button == null) {
                    return false;
                }
                button.click();
                return true;
            } catch (org.openqa.selenium.StaleElementReferenceException e) {
                return false;
            }
        });
    }

    private static List<String> row(WebDriver d, String type) {
        return rows(d, "gunyah-functions").stream()
                .filter(r -> r.get(1).equals(type))
                .findFirst()
                .orElse(List.of("", "", "", "", "", "", ""));
    }

    /** The table's cells as text, a list per row; a repaint in between is retried by the wait. */
    private static List<List<String>> rows(WebDriver d, String table) {
        try {
            return d.findElements(By.cssSelector("#" + table + " tbody tr")).stream()
                    .map(tr -> tr.findElements(By.tagName("td")).stream()
                            .map(WebElement::getText)
                            .toList())
                    .toList();
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return List.of();
        }
    }
}
