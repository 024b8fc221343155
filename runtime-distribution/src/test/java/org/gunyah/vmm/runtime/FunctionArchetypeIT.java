package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.gunyah.vmm.tools.a64asm.A64Assembler;
import org.junit.jupiter.api.Test;

/**
 * What the README's "Writing a function" says, done as a new user would: generate a function
 * project from the archetype, build it offline (its unit test and its Pax Exam test included)
 * against what this build made, deploy the bundle into the runtime, declare a VM that uses the
 * function by its name, and remove the bundle again.
 *
 * <p>"What this build made": the reactor's framework, test kit, emulated backend, parent POM and
 * archetype are installed into a private local repository under target/; everything else (Maven's
 * plugins, Pax Exam, Felix) comes from the local repository this build ran with, as a file
 * repository read offline ({@code -o}, with the file protocol allowed). Nothing is installed into
 * that repository, and nothing is downloaded.
 */
class FunctionArchetypeIT {
    private static final String VERSION = System.getProperty("gunyah.it.version");
    private static final Path REACTOR =
            Path.of(System.getProperty("gunyah.it.reactor")).normalize();
    private static final Path TARGET = REACTOR.resolve("runtime-distribution/target");
    private static final long BUILD_TIMEOUT_S = 600;
    private static final Duration RUNTIME_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void aGeneratedFunctionBuildsOfflineDeploysRunsInADeclaredVmByNameAndIsRemoved() throws Exception {
        Path work = Files.createTempDirectory(Files.createDirectories(TARGET.resolve("it")), "archetype");
        Path repo = installReactorArtifacts(work.resolve("repository"));
        Path settings = fileRepositorySettings(work.resolve("settings.xml"));

        // 1. generate, as the README says (the plugin named in full: offline, no prefix lookup)
        maven(
                work,
                repo,
                settings,
                "org.apache.maven.plugins:maven-archetype-plugin:" + System.getProperty("gunyah.it.archetype.plugin")
                        + ":generate",
                "-DarchetypeGroupId=org.gunyah.vmm",
                "-DarchetypeArtifactId=org.gunyah.vmm.archetype.function",
                "-DarchetypeVersion=" + VERSION,
                "-DgroupId=com.example.counter",
                "-DartifactId=counter-function",
                "-Dversion=1.0.0",
                "-DfunctionType=42",
                "-DfunctionName=counter",
                "-DinteractiveMode=false");
        Path project = work.resolve("counter-function");
        assertTrue(Files.isRegularFile(project.resolve("src/main/java/com/example/counter/CounterFunction.java")));

        // 2. build it offline: compile on JDK 25, bnd, the unit test, the Pax Exam test
        String build = maven(project, repo, settings, "verify");
        assertTrue(build.contains("Tests run: 4, Failures: 0, Errors: 0"), "the unit tests ran:\n" + build);
        assertTrue(build.contains("Tests run: 2, Failures: 0, Errors: 0"), "the Pax Exam tests ran:\n" + build);
        Path jar = project.resolve("target/counter-function-1.0.0.jar");
        assertTrue(Files.isRegularFile(jar));

        // 3. deploy it into the runtime, declare a VM that names it, remove it
        Path home = RuntimeIT.unpack();
        Path guest = work.resolve("counted.bin");
        Files.write(guest, A64Assembler.assemble(GUEST, 0x4000_0000L).image());
        try (Runtime runtime = new Runtime(home)) {
            runtime.send("gunyah:deploy " + jar);
            runtime.await("deployed counter (type 42)");

            Files.writeString(
                    home.resolve("conf/org.gunyah.vmm.vm-counted.cfg"),
                    String.join(
                            "\n",
                            "name=counted",
                            "hypervisor=emulated",
                            "memory=64K",
                            "image=" + guest,
                            // the 8-byte little-endian address 0x0a000000
                            "functions=counter arg=0000000a00000000",
                            ""));
            runtime.await("[counted] ok");

            runtime.send("gunyah:functions");
            runtime.send("gunyah:undeploy -u counter");
            runtime.await("EBUSY");
            runtime.send("gunyah:undeploy -f -u counter");
            runtime.await("undeployed counter");
            runtime.send("echo functions-after; gunyah:functions");
            runtime.await("functions-after");
            String output = runtime.end();

            // the declared VM uses it, by name: it is the type's user
            assertTrue(output.matches("(?s).*\\n42 +counter +.* ACTIVE +1 +counted\\(1\\).*"), output);
            assertTrue(output.matches("(?s).*EBUSY: function type 42 \\(counter\\) is in use.*"), output);
            String after = output.substring(output.lastIndexOf("functions-after"));
            assertFalse(after.contains("counter"), output);
            assertFalse(output.matches("(?s).*\\n\\s+at .*"), "no stack trace:\n" + output);
        }
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            assertTrue(
                    functions.noneMatch(p -> p.getFileName().toString().contains("counter")),
                    "undeploy -u removed the jar from functions/");
        }
    }

    /** Prints "ok" on the console, rings the counter's address once, then spins. */
    private static final String GUEST = """
                .equ CONSOLE, 0x09000000
                .equ COUNTER, 0x0a000000
                .text
        _start:
                ldr     x0, =CONSOLE
                mov     w1, #0x6f
                strb    w1, [x0]
                mov     w1, #0x6b
                strb    w1, [x0]
                mov     w1, #0x0a
                strb    w1, [x0]
                ldr     x2, =COUNTER
                str     w1, [x2]
        spin:   b       spin
        """;

    /** The reactor's artifacts the generated project needs, laid out as a local repository: what `mvn install` would put there. */
    private static Path installReactorArtifacts(Path repo) throws IOException {
        install(repo, "gunyah-vmm-parent", REACTOR.resolve("pom.xml"), null);
        for (String[] module : new String[][] {
            {"org.gunyah.vmm.framework", "framework"},
            {"org.gunyah.vmm.testkit", "testkit"},
            {"org.gunyah.vmm.hypervisor.emulated", "bundles/hypervisor-emulated"},
            {"org.gunyah.vmm.archetype.function", "archetype"},
        }) {
            Path dir = REACTOR.resolve(module[1]);
            install(
                    repo,
                    module[0],
                    dir.resolve("pom.xml"),
                    dir.resolve("target/" + module[0] + "-" + VERSION + ".jar"));
        }
        return repo;
    }

    private static void install(Path repo, String artifactId, Path pom, Path jar) throws IOException {
        Path dir = Files.createDirectories(repo.resolve("org/gunyah/vmm/" + artifactId + "/" + VERSION));
        Files.copy(pom, dir.resolve(artifactId + "-" + VERSION + ".pom"), StandardCopyOption.REPLACE_EXISTING);
        if (jar != null) {
            assertTrue(Files.isRegularFile(jar), jar + " is not built");
            Files.copy(jar, dir.resolve(artifactId + "-" + VERSION + ".jar"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Settings whose only repository is this build's local repository, read as a file repository. */
    private static Path fileRepositorySettings(Path file) throws IOException {
        String url = Path.of(System.getProperty("gunyah.it.maven.repository"))
                .toUri()
                .toString();
        String repository = """
            <id>central</id><url>%s</url>
            <releases><checksumPolicy>ignore</checksumPolicy></releases>
            <snapshots><enabled>false</enabled></snapshots>\
            """.formatted(url);
        Files.writeString(file, """
            <settings>
              <profiles>
                <profile>
                  <id>build-repository</id>
                  <repositories><repository>%s</repository></repositories>
                  <pluginRepositories><pluginRepository>%s</pluginRepository></pluginRepositories>
                </profile>
              </profiles>
              <activeProfiles><activeProfile>build-repository</activeProfile></activeProfiles>
            </settings>
            """.formatted(repository, repository));
        return file;
    }

    /** Runs Maven offline in {@code dir} on the private repository; returns its output, failing with it when the build fails. */
    private static String maven(Path dir, Path repo, Path settings, String... goals) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("gunyah.it.maven.home"), "bin", "mvn")
                        .toString(),
                "-B",
                "-o",
                "-s",
                settings.toString(),
                "-Dmaven.repo.local=" + repo,
                "-Daether.offline.protocols=file"));
        command.addAll(List.of(goals));
        Path log = Files.createTempFile(dir.getParent() == null ? dir : dir, "mvn", ".log");
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        p.getOutputStream().close();
        if (!p.waitFor(BUILD_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", goals) + " did not end within " + BUILD_TIMEOUT_S + " s");
        }
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), "mvn " + String.join(" ", goals) + " failed:\n" + output);
        return output;
    }

    /** The runtime as a process whose console the test types into, and whose output it waits on. */
    private static final class Runtime implements AutoCloseable {
        private final Process process;
        private final OutputStream stdin;
        private final Thread reader;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition printed = lock.newCondition();
        private final StringBuilder output = new StringBuilder();
        private boolean ended;

        Runtime(Path home) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(
                            home.resolve("bin/gunyah").toString())
                    .directory(home.toFile())
                    .redirectErrorStream(true);
            builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + RuntimeIT.freePort());
            process = builder.start();
            stdin = process.getOutputStream();
            reader = Thread.ofPlatform().name("runtime-output").start(this::read);
        }

        private void read() {
            try (BufferedReader in =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    append(line + "\n");
                }
            } catch (IOException e) {
                append("(reading the runtime's output failed: " + e + ")\n");
            } finally {
                lock.lock();
                try {
                    ended = true;
                    printed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        private void append(String text) {
            lock.lock();
            try {
                output.append(text);
                printed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void send(String command) throws IOException {
            stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        /** Waits until the output holds {@code text}, at most {@link #RUNTIME_TIMEOUT}. */
        void await(String text) throws InterruptedException {
            long deadline = System.nanoTime() + RUNTIME_TIMEOUT.toNanos();
            lock.lock();
            try {
                while (output.indexOf(text) < 0) {
                    long left = deadline - System.nanoTime();
                    if (ended || left <= 0) {
                        throw new AssertionError("the runtime did not print '" + text + "'"
                                + (ended ? " before it ended" : " within " + RUNTIME_TIMEOUT) + ":\n" + output);
                    }
                    printed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }

        /** Ends the console's input, which stops the runtime; returns everything it printed. */
        String end() throws Exception {
            stdin.close();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the runtime did not stop within 30 s");
            reader.join(Duration.ofSeconds(10));
            assertEquals(0, process.exitValue());
            lock.lock();
            try {
                return output.toString();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
