package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;

/** Deploy and undeploy through the admin API, with a repository folder of its own per framework. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeployIT extends GunyahTestSupport {
    static final String REPO = "gunyah.itest.repo";

    @Override
    @Configuration
    public Option[] config() {
        try {
            Path repo = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "repo");
            Path functions = Path.of(System.getProperty("gunyah.itest.functions"));
            for (String jar : new String[] {IRQFD + ".jar", IOEVENTFD + ".jar"}) {
                Files.copy(functions.resolve(jar), repo.resolve(jar), StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, String> broken = new HashMap<>(TestJars.declaring(51, "broken"));
            broken.put("Import-Package", "no.such.pkg");
            TestJars.bundle(repo.resolve("broken.jar"), "test.broken", broken);
            // Two jars that are no bundles at all: random bytes, and half of a real one.
            Files.write(
                    repo.resolve("corrupt.jar"),
                    new java.util.Random(7)
                            .ints(4096, 0, 256)
                            .collect(
                                    java.io.ByteArrayOutputStream::new,
                                    (o, b) -> o.write(b),
                                    (a, b) -> a.writeBytes(b.toByteArray()))
                            .toByteArray());
            byte[] irqfd = Files.readAllBytes(functions.resolve(IRQFD + ".jar"));
            Files.write(repo.resolve("truncated.jar"), java.util.Arrays.copyOf(irqfd, irqfd.length / 2));
            return options(
                    base(),
                    reactorBundle(VCPU),
                    frameworkProperty("gunyah.functions.dir").value(repo.toString()),
                    frameworkProperty(REPO).value(repo.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path repo() {
        return Path.of(context.getProperty(REPO));
    }

    private static Errno errno(GunyahException e) {
        return e.errno();
    }

    interface Call {
        void run() throws Exception;
    }

    private static GunyahException failure(Call call) throws Exception {
        try {
            call.run();
        } catch (GunyahException e) {
            return e;
        }
        throw new AssertionError("expected a GunyahException");
    }

    private boolean installedAny(String bsn) {
        return Arrays.stream(context.getBundles()).anyMatch(b -> bsn.equals(b.getSymbolicName()));
    }

    @Test
    public void jarsInTheRepositoryThatAreNoBundlesAreSkippedAndTheRestStillLoads() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        VmManager manager = await(VmManager.class);

        assertTrue(Arrays.stream(context.getBundles())
                .noneMatch(b ->
                        b.getLocation().contains("corrupt") || b.getLocation().contains("truncated")));
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new IrqfdArg(efd.fd(), 1, 0).desc());
            assertEquals(1, admin.functionType(FunctionType.IRQFD).orElseThrow().instances());
        }
    }

    @Test
    public void undeployIsRefusedWithEbusyNamingTheVmsThatUseTheType() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm a = manager.createVm();
                Vm b = manager.createVm()) {
            a.addFunction(IoeventfdArg.of(0x1000, 4, efd.fd()).desc());
            a.addFunction(IoeventfdArg.of(0x2000, 4, efd.fd()).desc());
            b.addFunction(IoeventfdArg.of(0x1000, 4, efd.fd()).desc());
            GunyahException e = failure(() -> admin.undeploy("ioeventfd"));
            assertEquals(Errno.EBUSY, errno(e));
            assertTrue(
                    e.getMessage(),
                    e.getMessage().contains("VM " + a.id() + " (2 instances), VM " + b.id() + " (1 instance)"));
            assertEquals(Bundle.ACTIVE, installed(IOEVENTFD).getState());
            assertEquals(2, a.functions().size());
        }
    }

    @Test
    public void aForcedUndeployUnbindsEveryInstanceAndStopsTheBundle() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        EventFd efd = manager.createEventFd(0, EventFd.NONBLOCK);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(IoeventfdArg.of(0x1000, 4, efd.fd()).desc());
            admin.undeploy("3", UndeployOption.FORCE);
            assertEquals(0, vm.functions().size());
            assertEquals(Bundle.RESOLVED, installed(IOEVENTFD).getState());
            assertFalse(loaded(admin, FunctionType.IOEVENTFD));
        }
    }

    @Test
    public void undeployWithUninstallRemovesTheBundleAndItsRepositoryFile() throws Exception {
        VmManager manager = await(VmManager.class);
        FunctionAdmin admin = await(FunctionAdmin.class);
        admin.undeploy("ioeventfd", UndeployOption.UNINSTALL);
        assertFalse(installedAny(IOEVENTFD));
        assertFalse(Files.exists(repo().resolve(IOEVENTFD + ".jar")));
        try (Vm vm = manager.createVm()) {
            assertEquals(
                    Errno.ENOENT,
                    errno(failure(
                            () -> vm.addFunction(IoeventfdArg.of(0x1000, 4, 3).desc()))));
        }
    }

    @Test
    public void undeployingATypeNobodyProvidesIsEnoent() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        assertEquals(Errno.ENOENT, errno(failure(() -> admin.undeploy("77"))));
        assertEquals(Errno.ENOENT, errno(failure(() -> admin.undeploy("nonesuch"))));
    }

    @Test
    public void deployCopiesInstallsStartsAndReportsTheType() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        admin.undeploy("irqfd", UndeployOption.UNINSTALL);
        Path jar = Path.of(System.getProperty("gunyah.itest.bundles"), IRQFD + ".jar");
        FunctionTypeInfo info = admin.deploy(jar.toUri());
        assertEquals(FunctionType.IRQFD, info.type());
        assertEquals(IRQFD, info.provider().symbolicName());
        assertEquals("ACTIVE", info.provider().state());
        assertTrue(Files.exists(repo().resolve(IRQFD + ".jar")));
    }

    @Test
    public void aBundleThatIsNoFunctionIsRefusedAndLeavesNothing() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "jar")
                        .resolve("plain.jar"),
                "test.plain",
                Map.of());
        GunyahException e = failure(() -> admin.deploy(jar.toUri()));
        assertEquals(Errno.EINVAL, errno(e));
        assertTrue(e.getMessage(), e.getMessage().contains("declares no gunyah.function capability"));
        assertFalse(installedAny("test.plain"));
        assertFalse(Files.exists(repo().resolve("plain.jar")));
    }

    @Test
    public void aBundleForATypeAnotherBundleProvidesIsEexistAndLeavesNothing() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "jar")
                        .resolve("rival.jar"),
                "test.rival",
                TestJars.declaring(3, "rival"));
        GunyahException e = failure(() -> admin.deploy(jar.toUri()));
        assertEquals(Errno.EEXIST, errno(e));
        assertTrue(e.getMessage(), e.getMessage().contains(IOEVENTFD));
        assertFalse(installedAny("test.rival"));
        assertFalse(Files.exists(repo().resolve("rival.jar")));
    }

    @Test
    public void aFunctionBundleThatCannotResolveIsEnoentWithTheMissingRequirement() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Map<String, String> headers = new HashMap<>(TestJars.declaring(52, "unresolvable"));
        headers.put("Import-Package", "no.such.pkg");
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "jar")
                        .resolve("unresolvable.jar"),
                "test.unresolvable",
                headers);
        GunyahException e = failure(() -> admin.deploy(jar.toUri()));
        assertEquals(Errno.ENOENT, errno(e));
        assertTrue(e.getMessage(), e.getMessage().contains("no.such.pkg"));
        assertFalse(installedAny("test.unresolvable"));
    }

    @Test
    public void onDemandLoadingOfAnUnresolvableBundleIsEnoentWithTheReason() throws Exception {
        VmManager manager = await(VmManager.class);
        try (Vm vm = manager.createVm()) {
            GunyahException e = failure(() -> vm.addFunction(new FunctionDesc(51, new byte[4])));
            assertEquals(Errno.ENOENT, errno(e));
            assertTrue(e.getMessage(), e.getMessage().contains("no.such.pkg"));
        }
    }
}
