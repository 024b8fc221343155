package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.GunyahException;
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

/**
 * The framework's index of function bundles, with real bundles in Felix: what {@code request_module}
 * and the consoles see is every installed bundle's current {@code gunyah.function} capability,
 * resolved or not, singleton or not. The test bundles declare a type and register no service.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class FunctionBundleIndexIT extends GunyahTestSupport {
    private static final int TYPE = 77;

    @Override
    @Configuration
    public Option[] config() {
        // A first use of a type whose bundle registers nothing waits this long before ENOENT.
        return options(
                base(), frameworkProperty("gunyah.functions.load.timeout").value("300"));
    }

    private Bundle install(String symbolicName, int type) throws Exception {
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "index")
                        .resolve("fn.jar"),
                symbolicName,
                TestJars.declaring(type, "fn" + type));
        return context.installBundle(jar.toUri().toString());
    }

    private static InputStream jarDeclaring(int type) throws IOException {
        Path jar = TestJars.bundle(
                Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "index")
                        .resolve("fn.jar"),
                "test.fn",
                TestJars.declaring(type, "fn" + type));
        return Files.newInputStream(jar);
    }

    @Test
    public void anInstalledSingletonThatIsNotResolvedIsAKnownType() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Bundle b = install("test.singleton;singleton:=true", TYPE);
        assertEquals(Bundle.INSTALLED, b.getState());
        FunctionTypeInfo info = admin.functionType(TYPE).orElseThrow(() -> new AssertionError("type 77 is not known"));
        assertEquals(b.getBundleId(), info.provider().bundleId());
        assertEquals("INSTALLED", info.provider().state());
    }

    @Test
    public void theFirstUseOfATypeStartsItsInstalledSingletonBundle() throws Exception {
        VmManager manager = await(VmManager.class);
        Bundle b = install("test.singleton;singleton:=true", TYPE);
        try (Vm vm = manager.createVm()) {
            vm.addFunction(new FunctionDesc(TYPE, new byte[4]));
            throw new AssertionError("expected ENOENT: the bundle registers no VmFunction");
        } catch (GunyahException e) {
            assertEquals(Errno.ENOENT, e.errno());
            assertTrue(e.getMessage(), e.getMessage().contains("started but registered no VmFunction of type 77"));
        }
        assertEquals(Bundle.ACTIVE, b.getState());
    }

    @Test
    public void anUpdateThatDeclaresAnotherTypeIsSeenWhenItReturns() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Bundle b = install("test.fn", TYPE);
        try (InputStream in = jarDeclaring(TYPE + 1)) {
            b.update(in);
        }
        assertFalse(admin.functionType(TYPE).isPresent());
        assertEquals(
                b.getBundleId(),
                admin.functionType(TYPE + 1).orElseThrow().provider().bundleId());
    }

    @Test
    public void anUninstalledFunctionBundleIsNoLongerAKnownType() throws Exception {
        FunctionAdmin admin = await(FunctionAdmin.class);
        Bundle b = install("test.fn", TYPE);
        b.uninstall();
        assertFalse(admin.functionType(TYPE).isPresent());
    }
}
