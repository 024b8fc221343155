package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.util.tracker.BundleTracker;

/**
 * The function folder as the runtime has it: Felix FileInstall watches it and installs its jars
 * unstarted; the framework installs nothing itself and deploys through the folder, so each jar has
 * one installer.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class WatchedFolderIT extends GunyahTestSupport {
    static final String REPO = "gunyah.itest.repo";

    @Override
    @Configuration
    public Option[] config() {
        try {
            Path repo = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "watched");
            Path functions = Path.of(System.getProperty("gunyah.itest.functions"));
            Files.copy(
                    functions.resolve(IRQFD + ".jar"),
                    repo.resolve(IRQFD + ".jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            return options(
                    base(),
                    reactorBundle(VCPU),
                    mavenBundle(
                            "org.apache.felix",
                            "org.apache.felix.configadmin",
                            System.getProperty("gunyah.itest.configadmin.version")),
                    mavenBundle(
                            "org.apache.felix",
                            "org.apache.felix.fileinstall",
                            System.getProperty("gunyah.itest.fileinstall.version")),
                    frameworkProperty("felix.fileinstall.dir").value(repo.toString()),
                    frameworkProperty("felix.fileinstall.filter").value(".*\\.jar"),
                    frameworkProperty("felix.fileinstall.bundles.new.start").value("false"),
                    frameworkProperty("felix.fileinstall.poll").value("100"),
                    frameworkProperty("felix.fileinstall.noInitialDelay").value("true"),
                    frameworkProperty("felix.fileinstall.log.level").value("1"),
                    frameworkProperty("gunyah.functions.dir").value(repo.toString()),
                    frameworkProperty("gunyah.functions.watched").value("true"),
                    frameworkProperty(REPO).value(repo.toString()),
                    frameworkProperty("gunyah.itest.functions")
                            .value(functions.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path repo() {
        return Path.of(context.getProperty(REPO));
    }

    /** Waits, bounded, until a bundle with that symbolic name is installed. */
    private Bundle awaitInstalled(String bsn) throws InterruptedException {
        CompletableFuture<Bundle> seen = new CompletableFuture<>();
        BundleTracker<Bundle> tracker = new BundleTracker<>(context, ~Bundle.UNINSTALLED, null) {
            @Override
            public Bundle addingBundle(Bundle bundle, BundleEvent event) {
                if (bsn.equals(bundle.getSymbolicName())) {
                    seen.complete(bundle);
                }
                return null;
            }
        };
        tracker.open();
        try {
            return seen.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(bsn + " was not installed within 10 s");
        } finally {
            tracker.close();
        }
    }

    private List<Bundle> all(String bsn) {
        return Arrays.stream(context.getBundles())
                .filter(b -> bsn.equals(b.getSymbolicName()))
                .toList();
    }

    private static String fileInstallLocation(Path jar) {
        return jar.toAbsolutePath().toFile().toURI().normalize().toString();
    }

    @Test
    public void theWatcherInstallsTheFolderUnstartedAndFirstUseStartsIt() throws Exception {
        Bundle irqfd = awaitInstalled(IRQFD);

        assertEquals(1, all(IRQFD).size());
        assertEquals(fileInstallLocation(repo().resolve(IRQFD + ".jar")), irqfd.getLocation());
        assertNotEquals(Bundle.ACTIVE, irqfd.getState());

        VmManager manager = await(VmManager.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new IrqfdArg(efd.fd(), 1, 0).desc());
            assertEquals(Bundle.ACTIVE, irqfd.getState());
        }
    }

    @Test
    public void deployCopiesIntoTheFolderAndTheWatcherIsTheInstaller() throws Exception {
        awaitInstalled(IRQFD);
        FunctionAdmin admin = await(FunctionAdmin.class);
        Path jar = Path.of(context.getProperty("gunyah.itest.functions"), IOEVENTFD + ".jar");

        FunctionTypeInfo info = admin.deploy(jar.toUri());

        assertEquals(FunctionType.IOEVENTFD, info.type());
        assertEquals("ACTIVE", info.provider().state());
        List<Bundle> bundles = all(IOEVENTFD);
        assertEquals(1, bundles.size());
        assertEquals(
                fileInstallLocation(repo().resolve(IOEVENTFD + ".jar")),
                bundles.getFirst().getLocation());
        assertFalse(
                "no partial copy is left", Arrays.stream(repo().toFile().list()).anyMatch(n -> n.endsWith(".part")));
    }

    @Test
    public void aRefusedDeployLeavesNothingInTheWatchedFolder() throws Exception {
        awaitInstalled(IRQFD);
        FunctionAdmin admin = await(FunctionAdmin.class);
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "jar")
                        .resolve("rival.jar"),
                "test.rival",
                TestJars.declaring(FunctionType.IRQFD, "rival"));

        try {
            admin.deploy(jar.toUri());
            throw new AssertionError("a second provider of irqfd was deployed");
        } catch (GunyahException e) {
            assertEquals(Errno.EEXIST, e.errno());
        }

        assertTrue(all("test.rival").isEmpty());
        assertFalse(Files.exists(repo().resolve("rival.jar")));
        assertFalse(Arrays.stream(repo().toFile().list()).anyMatch(n -> n.contains("rival")));
    }

    @Test
    public void deployingAnInstalledBundleAgainIsEexist() throws Exception {
        awaitInstalled(IRQFD);
        FunctionAdmin admin = await(FunctionAdmin.class);
        Path jar = Path.of(context.getProperty("gunyah.itest.functions"), IRQFD + ".jar");

        try {
            admin.deploy(jar.toUri());
            throw new AssertionError("deployed twice");
        } catch (GunyahException e) {
            assertEquals(Errno.EEXIST, e.errno());
        }
        assertEquals(1, all(IRQFD).size());
    }
}
