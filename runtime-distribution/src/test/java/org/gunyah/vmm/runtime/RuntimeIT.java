package org.gunyah.vmm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.gunyah.vmm.runtime.BinGunyah.Run;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The zip as a user gets it: unpacked into a fresh folder, then bin/gunyah run as a process of its
 * own, the way the README says.
 */
class RuntimeIT {
    private static final Path ZIP = Path.of(System.getProperty("gunyah.runtime.zip"));
    private static final long TIMEOUT_S = 120;
    private static Path home;

    @BeforeAll
    static void unpackOnce() throws IOException {
        home = unpack();
    }

    /** The zip unpacked into a fresh folder; returns the runtime's home in it. */
    static Path unpack() throws IOException {
        Path into = Files.createTempDirectory(
                Files.createDirectories(ZIP.getParent().resolve("it")), "unzipped");
        try (FileSystem zip = FileSystems.newFileSystem(ZIP, Map.of("enablePosixFileAttributes", "true"));
                Stream<Path> entries = Files.walk(zip.getPath("/"))) {
            for (Path entry : entries.toList()) {
                Path target = into.resolve(zip.getPath("/").relativize(entry).toString());
                if (Files.isDirectory(entry)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(entry, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(entry));
                }
            }
        }
        try (Stream<Path> top = Files.list(into)) {
            return top.findFirst().orElseThrow();
        }
    }

    /** A port nobody listens on now, so that runtimes in tests never fight over the Web Console's. */
    static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Run gunyah(String input, String... args) throws Exception {
        return gunyah(home, input, args);
    }

    /** Runs bin/gunyah of {@code home} with {@code args}, {@code input} on its standard input, to its end. */
    static Run gunyah(Path home, String input, String... args) throws Exception {
        return gunyah(home, freePort(), input, args);
    }

    private static Run gunyah(Path home, int webConsolePort, String input, String... args) throws Exception {
        return BinGunyah.run(
                home, Map.of("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + webConsolePort), input, args);
    }

    @Test
    void theZipHoldsTheRuntimeTreeWithAnExecutableLauncher() throws IOException {
        for (String path : List.of(
                "bin/gunyah",
                "bin/felix.jar",
                "bin/gunyah-launcher.jar",
                "conf/config.properties",
                "conf/org.apache.felix.fileinstall-deploy.cfg",
                "conf/org.apache.felix.fileinstall-functions.cfg",
                "system/console",
                "system/web/org.apache.felix.webconsole-5.0.18.jar",
                "system/web/org.apache.felix.http.jetty12-1.1.8.jar",
                "deploy",
                "guests/demo.bin",
                "guests/demo.cfg",
                "guests/demo.S",
                "guests/demo-x86.bin",
                "guests/demo-kvm.cfg",
                "guests/demo-x86.S",
                "system/org.gunyah.vmm.hypervisor.kvm-0.1.0-SNAPSHOT.jar",
                "system/remote/org.gunyah.vmm.remoteconsole-0.1.0-SNAPSHOT.jar",
                "system/remote/sshd-osgi-2.20.1.jar",
                "system/remote/bcprov-jdk18on-1.87.jar",
                "etc/gunyah.service",
                "README.md")) {
            assertTrue(Files.exists(home.resolve(path)), path);
        }
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            assertEquals(3, functions.filter(p -> p.toString().endsWith(".jar")).count());
        }
        assertTrue(
                Files.getPosixFilePermissions(home.resolve("bin/gunyah")).contains(PosixFilePermission.OTHERS_EXECUTE));
    }

    @Test
    void theZipHoldsNothingFromTheBuildMachine() throws IOException {
        Path home = unpack(); // as unpacked: the shared one holds what the other tests' starts made (cache/)
        String buildDir = ZIP.getParent().getParent().toAbsolutePath().toString();
        String userHome = System.getProperty("user.home");
        try (Stream<Path> all = Files.walk(home)) {
            for (Path p : all.toList()) {
                String name = home.relativize(p).toString();
                assertFalse(name.contains("cache") || name.endsWith(".part") || name.endsWith(".tmp"), name);
                if (Files.isRegularFile(p) && !name.endsWith(".jar") && !name.endsWith(".bin")) {
                    String text = Files.readString(p, StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains(buildDir), name + " names the build folder");
                    assertFalse(text.contains(userHome + "/"), name + " names the build user's home");
                }
            }
        }
    }

    @Test
    void theDemoEndsWithItsOkLineAndStatusZero() throws Exception {
        Run run = gunyah("", "demo");

        assertEquals(0, run.status(), run.output());
        String preferred = Files.exists(Path.of("/dev/kvm")) ? "kvm" : "emulated";
        assertTrue(
                run.output()
                        .contains("demo: hypervisors " + (preferred.equals("kvm") ? "kvm, emulated" : "emulated")
                                + "; running on " + preferred),
                run.output());
        assertOk(run, preferred);
        assertTrue(run.output().contains("demo: started org.gunyah.vmm.function.vcpu on first use"), run.output());
        assertTrue(run.output().contains("demo: guest: Hello from the Gunyah demo guest on vCPU 0"), run.output());
    }

    @Test
    void theDemoRunsOnTheEmulatedBackendWhenAskedTo() throws Exception {
        assertOk(gunyah("", "demo", "--hypervisor", "emulated"), "emulated");
    }

    @Test
    void theDemoRunsItsX86GuestOnKvm() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/kvm")), "skipped: this machine has no /dev/kvm");
        Run run = gunyah("", "demo", "--hypervisor", "kvm");

        assertOk(run, "kvm");
        assertTrue(
                run.output().contains("demo: guest: Hello from the Gunyah demo guest on vCPU 0 (x86, KVM)"),
                run.output());
    }

    private static void assertOk(Run run, String hypervisor) {
        assertEquals(0, run.status(), run.output());
        assertTrue(
                run.lines()
                        .getLast()
                        .matches("demo: OK hypervisor=" + hypervisor + " vcpus=2 mmio_exits=\\d+ ioeventfd_signals=8"
                                + " irqfd_interrupts=8 status=EXITED\\(0\\)"),
                run.output());
    }

    @Test
    void aDemoOnAMissingHypervisorFailsWithOneLine() throws Exception {
        Run run = gunyah("", "demo", "--hypervisor", "nonesuch");

        assertEquals(1, run.status(), run.output());
        assertTrue(run.lines().getLast().startsWith("demo: FAILED ENODEV"), run.output());
    }

    @Test
    void aScriptDeploysAndUndeploysAFunction() throws Exception {
        Path home = unpack(); // this one changes functions/
        Path jar =
                Files.createTempDirectory(ZIP.getParent().resolve("it"), "jar").resolve("ioeventfd.jar");
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            Files.copy(
                    functions
                            .filter(p -> p.getFileName().toString().contains("ioeventfd"))
                            .findFirst()
                            .orElseThrow(),
                    jar);
        }

        Run run = gunyah(
                home,
                "",
                "-c",
                "gunyah:undeploy --uninstall ioeventfd; gunyah:deploy " + jar
                        + "; gunyah:functions; gunyah:undeploy -u ioeventfd; gunyah:functions");

        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("undeployed ioeventfd: bundle uninstalled"), run.output());
        assertTrue(
                run.output()
                        .matches("(?s).*deployed ioeventfd \\(type 3\\) from bundle \\d+"
                                + " org.gunyah.vmm.function.ioeventfd .*"),
                run.output());
        assertTrue(run.output().matches("(?s).*\\n3 +ioeventfd +.* ACTIVE .*"), run.output());
        assertFalse(run.lines().getLast().contains("ioeventfd"), run.output());
        try (Stream<Path> functions = Files.list(home.resolve("functions"))) {
            assertEquals(2, functions.count(), "undeploy -u removed the jar from functions/");
        }
    }

    @Test
    void aFailingCommandStopsTheScriptWithItsErrnoAndStatusOne() throws Exception {
        Run run = gunyah("", "-c", "gunyah:vm-create 9lives; gunyah:vms");

        assertEquals(1, run.status(), run.output());
        assertTrue(run.output().contains("EINVAL: VM name '9lives'"), run.output());
        assertFalse(run.output().contains("no VMs"), run.output());
        assertFalse(Files.exists(home.resolve("data/gunyah.sock")), "a one-shot run opens no console socket");
    }

    @Test
    void theConsoleReadsCommandsAndEndOfInputStopsTheRuntime() throws Exception {
        Run run = gunyah("gunyah:vms\n");

        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("no VMs"), run.output());
    }

    @Test
    void terminatingTheRuntimeStopsItsRunningVmCleanly() throws Exception {
        Path spin = Files.createTempDirectory(ZIP.getParent().resolve("it"), "guest")
                .resolve("spin.bin");
        Files.write(spin, new byte[] {0, 0, 0, 0x14}); // b .
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + freePort());
        Process p = builder.start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                    if (line.contains("started VM spinner")) {
                        started.complete(null);
                    }
                }
            } catch (IOException e) {
                started.completeExceptionally(e);
            }
        });
        var stdin = p.getOutputStream(); // left open: the console must not see the end of its input
        stdin.write(("gunyah:vm-create spinner --hypervisor emulated --memory 64K --image " + spin
                        + "\ngunyah:fn-add spinner vcpu id=0\n" + "gunyah:vm-start spinner\n")
                .getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        started.get(TIMEOUT_S, TimeUnit.SECONDS);

        p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hook stops the framework

        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the runtime did not stop within 30 s:\n" + output);
        reader.join(Duration.ofSeconds(10));
        assertFalse(output.toString().contains("Exception"), output.toString());
        assertFalse(output.toString().contains("did not end"), output.toString());
        stdin.close();
    }

    @Test
    void anUnknownArgumentPrintsTheUsage() throws Exception {
        Run run = gunyah("", "--frobnicate");

        assertEquals(2, run.status());
        assertTrue(run.output().contains("usage: gunyah"), run.output());
    }

    /** An AArch64 guest image assembled from {@code source}, in a fresh file. */
    private static Path guest(String name, String source) throws IOException {
        Path file = Files.createTempDirectory(ZIP.getParent().resolve("it"), "guest")
                .resolve(name + ".bin");
        Files.write(
                file,
                org.gunyah.vmm.tools.a64asm.A64Assembler.assemble(source, 0x40000000L)
                        .image());
        return file;
    }

    /** Writes 0 to the exit register, then spins. */
    private static Path exitingGuest() throws IOException {
        return guest("exit-zero", """
                    ldr     x1, =0x09001000
                    str     wzr, [x1]
            1:      b       1b
            """);
    }

    /** Its first instruction is UDF #0: a crash at 0x40000000. */
    private static Path crashingGuest() throws IOException {
        return guest("crash", """
                    .word   0x00000000
            """);
    }

    private static String vm(String name, Path image) {
        return "gunyah:vm-create " + name + " --hypervisor emulated --memory 64K --image " + image + "; gunyah:fn-add "
                + name + " vcpu id=0; gunyah:vm-start " + name;
    }

    private static final String CRASH =
            "CRASHED(vCPU 0: undefined instruction (ESR 0x02000000), and then instruction fetch outside RAM"
                    + " (ESR 0x86000010, FAR 0x200) at 0x200 in the exception vectors (VBAR_EL1 0x0) at pc 0x40000000"
                    + " (instruction 0x00000000))";

    /** Runs the console with {@code input}, its input left open until the runtime ends by itself. */
    private static Run console(String input) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + freePort());
        Process p = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (InputStream in = p.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        var stdin = p.getOutputStream();
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
        stdin.flush();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the runtime did not stop within 30 s");
            }
            return new Run(p.exitValue(), output.get(10, TimeUnit.SECONDS));
        } finally {
            stdin.close();
        }
    }

    @Test
    void exitAtTheConsoleStopsTheRuntimeCleanly() throws Exception {
        Run run = console("exit\n");

        assertEquals(0, run.status(), run.output());
        assertFalse(run.output().contains("Exception"), run.output());
    }

    @Test
    void exitWithAStatusEndsTheRuntimeWithThatStatus() throws Exception {
        Run run = console("exit 3\n");

        assertEquals(3, run.status(), run.output());
        assertFalse(run.output().contains("Exception"), run.output());
    }

    @Test
    void vmWaitWaitsForTheGuestAndPrintsHowItEnded() throws Exception {
        Run run = gunyah("", "-c", vm("w", exitingGuest()) + "; gunyah:vm-wait w --timeout 60s; gunyah:vms");

        assertEquals(0, run.status(), run.output());
        assertTrue(run.output().contains("VM w: EXITED(0)"), run.output());
        assertTrue(run.output().matches("(?s).*\\n\\d+ +w +emulated +EXITED\\(0\\).*"), run.output());
    }

    @Test
    void vmWaitFailsWithHowTheGuestEndedUnlessItExitedWithZero() throws Exception {
        Run run = gunyah("", "-c", vm("c", crashingGuest()) + "; gunyah:vm-wait c; gunyah:vms");

        assertEquals(1, run.status(), run.output());
        assertTrue(run.lines().getLast().equals("EIO: VM c ended " + CRASH + ", not EXITED(0)"), run.output());
    }

    @Test
    void vmWaitGivesUpAtItsTimeoutWithEtimedout() throws Exception {
        Path spin = guest("spin", "1: b 1b\n");

        Run run = gunyah("", "-c", vm("s", spin) + "; gunyah:vm-wait s --timeout 200ms");

        assertEquals(1, run.status(), run.output());
        assertTrue(run.lines().getLast().equals("ETIMEDOUT: VM s is still RUNNING after 200ms"), run.output());
    }

    @Test
    void vmConsoleSaysWhyTheGuestCrashed() throws Exception {
        Run console =
                gunyah(vm("c", crashingGuest()).replace("; ", "\n") + "\ngunyah:vm-wait c\ngunyah:vm-console c\n");

        assertTrue(console.output().contains("(the guest is down: " + CRASH + ")"), console.output());
    }

    @Test
    void helpListsTheVmCommands() throws Exception {
        Run run = gunyah("help\n");

        for (String c :
                List.of("vm-create", "vm-start", "vm-console", "vm-destroy", "vm-wait", "fn-add", "fn-remove", "vms")) {
            assertTrue(run.output().contains("gunyah:" + c + "\n"), c + " in\n" + run.output());
        }
    }

    @Test
    void helpExplainsAVmCommand() throws Exception {
        Run run = gunyah("help vm-wait\n");

        assertTrue(run.output().contains("gunyah:vm-wait <vm> [--timeout <duration>]"), run.output());
    }

    @Test
    void aDeclaredGuestsConsoleLinesStartLinesOfTheirOwnAfterThePrompt() throws Exception {
        Path home = unpack(); // this one declares a VM in conf/
        Files.copy(home.resolve("guests/demo.cfg"), home.resolve("conf/org.gunyah.vmm.vm-demo.cfg"));
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/gunyah").toString())
                .directory(home.toFile())
                .redirectErrorStream(true);
        builder.environment().put("GUNYAH_JAVA_OPTS", "-Dorg.osgi.service.http.port=" + freePort());
        Process p = builder.start();
        StringBuffer output = new StringBuffer();
        CompletableFuture<Void> down = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            try (var in = new java.io.BufferedReader(
                    new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.append(line).append('\n');
                    if (line.contains("the guest is down")) {
                        down.complete(null);
                    }
                }
            } catch (IOException e) {
                down.completeExceptionally(e);
            }
        });
        var stdin = p.getOutputStream();
        down.get(TIMEOUT_S, TimeUnit.SECONDS);
        stdin.close(); // end of input: the runtime stops
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), output.toString());
        reader.join(Duration.ofSeconds(10));

        List<String> guestLines =
                output.toString().lines().filter(l -> l.contains("[demo]")).toList();
        assertFalse(guestLines.isEmpty(), output.toString());
        for (String line : guestLines) {
            assertTrue(line.startsWith("[demo] "), output.toString());
        }
    }

    @Test
    void aTakenWebConsolePortIsOneLineNamingItAndTheRuntimeGoesOn() throws Exception {
        try (java.net.ServerSocket taken =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Run run = gunyah(home, taken.getLocalPort(), "", "-c", "gunyah:vms");

            assertEquals(0, run.status(), run.output());
            assertTrue(run.output().contains("no VMs"), run.output());
            assertFalse(run.output().contains("Exception"), run.output());
            assertFalse(run.output().contains("\tat "), run.output());
            List<String> about = run.lines().stream()
                    .filter(l -> l.contains(Integer.toString(taken.getLocalPort())))
                    .toList();
            assertEquals(1, about.size(), run.output());
            assertTrue(about.getFirst().contains("org.osgi.service.http.port"), run.output());
        }
    }
}
