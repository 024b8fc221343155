package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.VmInfo;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The gunyah: commands typed into Gogo's CommandProcessor, their printed output checked. The vcpu
 * bundle is started; irqfd and ioeventfd sit unstarted in the function folder and load on first use.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ShellIT extends GunyahTestSupport {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final String REPO = "gunyah.itest.repo";

    private CommandSession session;

    @Override
    @Configuration
    public Option[] config() {
        try {
            Path repo = Files.createTempDirectory(Files.createDirectories(Path.of("target", "tmp")), "shell");
            Path functions = Path.of(System.getProperty("gunyah.itest.functions"));
            for (String jar : new String[] {IRQFD + ".jar", IOEVENTFD + ".jar"}) {
                Files.copy(functions.resolve(jar), repo.resolve(jar), StandardCopyOption.REPLACE_EXISTING);
            }
            // A guest that never stops: `b .`, for what must happen under a running vCPU.
            Files.write(repo.getParent().resolve(repo.getFileName() + "-spin.bin"), new byte[] {0, 0, 0, 0x14});
            return options(
                    base(),
                    reactorBundle(VCPU),
                    reactorBundle("org.gunyah.vmm.vmm"),
                    reactorBundle("org.gunyah.vmm.shell"),
                    mavenBundle(
                            "org.apache.felix",
                            "org.apache.felix.gogo.runtime",
                            System.getProperty("gunyah.itest.gogo.version")),
                    frameworkProperty("gunyah.functions.dir").value(repo.toString()),
                    frameworkProperty(REPO).value(repo.toString()),
                    frameworkProperty("gunyah.itest.guest").value(System.getProperty("gunyah.itest.guest")),
                    frameworkProperty("gunyah.itest.functions")
                            .value(functions.toAbsolutePath().toString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Before
    public void openSession() throws Exception {
        awaitCommand("functions");
        awaitCommand("vm-create");
        session = await(CommandProcessor.class)
                .createSession(
                        new ByteArrayInputStream(new byte[0]),
                        new PrintStream(new ByteArrayOutputStream()),
                        new PrintStream(new ByteArrayOutputStream()));
    }

    @After
    public void closeSession() {
        session.close();
    }

    private void awaitCommand(String name) throws Exception {
        ServiceTracker<?, ?> t = new ServiceTracker<>(
                context,
                FrameworkUtil.createFilter("(&(osgi.command.scope=gunyah)(osgi.command.function=" + name + "))"),
                null);
        t.open();
        try {
            assertTrue("gunyah:" + name + " was not registered", t.waitForService(TIMEOUT.toMillis()) != null);
        } finally {
            t.close();
        }
    }

    /** What the console prints for the command's result. */
    private String run(String command) throws Exception {
        Object result = session.execute(command);
        return result == null ? "" : session.format(result, Converter.INSPECT).toString();
    }

    /** The one-line message the console prints for a failed command. */
    private String failure(String command) {
        try {
            session.execute(command);
        } catch (Exception e) {
            assertFalse("one line: " + e.getMessage(), e.getMessage().contains("\n"));
            return e.getMessage();
        }
        throw new AssertionError(command + " did not fail");
    }

    private String guest() {
        return context.getProperty("gunyah.itest.guest");
    }

    private String spinner() {
        Path repo = Path.of(context.getProperty(REPO));
        return repo.getParent().resolve(repo.getFileName() + "-spin.bin").toString();
    }

    private static String line(String table, String startingWith) {
        return table.lines()
                .filter(l -> l.startsWith(startingWith))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line starting '" + startingWith + "' in\n" + table));
    }

    private VmInfo vmInfo(int id) throws Exception {
        return await(FunctionAdmin.class).listVms().stream()
                .filter(v -> v.id() == id)
                .findFirst()
                .orElseThrow();
    }

    @Test
    public void functionsListsLoadedAndInstalledTypesWithTheirState() throws Exception {
        String table = run("gunyah:functions");

        assertTrue(table, table.startsWith("TYPE  NAME       BUNDLE"));
        assertTrue(table, line(table, "1 ").matches("1 +vcpu +\\d+ org.gunyah.vmm.function.vcpu +\\S+ +ACTIVE +0 +-"));
        assertTrue(
                table,
                line(table, "2 ")
                        .matches("2 +irqfd +\\d+ org.gunyah.vmm.function.irqfd +\\S+ +(INSTALLED|RESOLVED) +0 +-"));
        assertTrue(table, line(table, "3 ").contains("ioeventfd"));
    }

    @Test
    public void aVmIsBuiltRunAndDestroyedFromTheConsole() throws Exception {
        EventFd doorbell = await(VmManager.class).createEventFd(0, EventFd.NONBLOCK);
        assertTrue(
                run("gunyah:vm-create greeter --memory 1M --image " + guest()),
                run("gunyah:vms").contains("greeter"));
        assertEquals("added vcpu id=0 to VM greeter", run("gunyah:fn-add greeter vcpu id=0"));
        assertEquals(
                "added ioeventfd addr=0x0a000000 len=4 fd=" + doorbell.fd() + " to VM greeter",
                run("gunyah:fn-add greeter ioeventfd addr=0x0a000000 len=4 fd=" + doorbell.fd()));
        assertTrue(run("gunyah:fn-add greeter irqfd label=5")
                .matches("added irqfd label=5 to VM greeter with eventfd \\d+"));

        String functions = run("gunyah:functions");
        assertTrue(functions, line(functions, "3 ").matches("3 +ioeventfd +.* ACTIVE +1 +greeter\\(1\\)"));
        assertTrue(run("gunyah:vms"), line(run("gunyah:vms"), "ID").startsWith("ID  NAME"));
        assertTrue(
                run("gunyah:vms"),
                run("gunyah:vms").matches("(?s).*\\d+ +greeter +emulated +CREATED +1 +ioeventfd:1 irqfd:1 vcpu:0.*"));

        assertEquals("started VM greeter: 1 vCPU running, console at 0x9000000", run("gunyah:vm-start greeter"));
        ManagedVm vm = await(ManagedVms.class).find("greeter").orElseThrow();
        assertTrue(vm.awaitDown(TIMEOUT));

        assertEquals("hello from the greeter\n(the guest is down: EXITED(7))", run("gunyah:vm-console greeter"));
        assertEquals(1, doorbell.read());
        assertTrue(run("gunyah:vms"), run("gunyah:vms").matches("(?s).*greeter +emulated +EXITED\\(7\\) .*"));
        assertEquals("destroyed VM greeter", run("gunyah:vm-destroy greeter"));
        assertEquals("no VMs", run("gunyah:vms"));
        assertTrue(line(run("gunyah:functions"), "3 ").matches("3 +ioeventfd +.* ACTIVE +0 +-"));
    }

    @Test
    public void removingAFunctionFromTheConsoleUnbindsIt() throws Exception {
        run("gunyah:vm-create small --memory 64K");
        run("gunyah:fn-add small irqfd label=1");
        run("gunyah:fn-add small irqfd label=2 level=true");

        assertEquals("removed irqfd label=1 from VM small", run("gunyah:fn-remove small irqfd label=1"));

        assertTrue(run("gunyah:vms"), run("gunyah:vms").matches("(?s).*small .* irqfd:1.*"));
        assertTrue(failure("gunyah:fn-remove small irqfd label=1").contains("ENOENT"));
    }

    @Test
    public void undeployIsRefusedWhileUsedAndAForcedOneReturnsEveryResource() throws Exception {
        run("gunyah:vm-create busy --memory 64K --image " + spinner());
        run("gunyah:fn-add busy vcpu id=0");
        run("gunyah:fn-add busy irqfd label=1");
        run("gunyah:vm-start busy");
        ManagedVm vm = await(ManagedVms.class).find("busy").orElseThrow();
        VmInfo started = vmInfo(vm.vm().id());
        assertEquals(2, started.tickets());
        assertEquals(1, vm.runningVcpus());

        String refused = failure("gunyah:undeploy irqfd");
        assertTrue(
                refused,
                refused.contains("EBUSY") && refused.contains("VM " + vm.vm().id() + " (1 instance)"));
        assertEquals(Bundle.ACTIVE, installed(IRQFD).getState());

        assertEquals("undeployed irqfd: bundle stopped, 1 instance unbound", run("gunyah:undeploy --force irqfd"));
        assertEquals("undeployed vcpu: bundle stopped, 1 instance unbound", run("gunyah:undeploy -f vcpu"));

        VmInfo after = vmInfo(vm.vm().id());
        assertEquals(0, after.functions().size());
        assertTrue(
                run("gunyah:vms"),
                line(run("gunyah:vms"), vm.vm().id() + " ").endsWith("- (waiting for irqfd:1 vcpu:0)"));
        assertEquals(0, after.tickets());
        assertEquals(0, after.ioHandlers());
        assertEquals(started.unclaimedResources() + 2, after.unclaimedResources());
        assertTrue("the vCPU thread ends with its function", vm.awaitRunningVcpus(0, TIMEOUT));
        assertEquals(Bundle.RESOLVED, installed(IRQFD).getState());
        assertTrue(line(run("gunyah:functions"), "2 ").matches("2 +irqfd +.* RESOLVED +0 +-"));

        // Re-adding loads the bundle again, on demand.
        run("gunyah:fn-add busy irqfd label=1");
        assertEquals(Bundle.ACTIVE, installed(IRQFD).getState());
        assertEquals(1, vmInfo(vm.vm().id()).tickets());
    }

    @Test
    public void undeployAndDeployRoundTripAFunctionBundle() throws Exception {
        assertEquals("undeployed ioeventfd: bundle uninstalled", run("gunyah:undeploy --uninstall ioeventfd"));
        assertFalse(run("gunyah:functions").contains("ioeventfd"));

        String jar = Path.of(context.getProperty("gunyah.itest.functions"), IOEVENTFD + ".jar")
                .toString();
        String deployed = run("gunyah:deploy " + jar);

        assertTrue(
                deployed, deployed.matches("deployed ioeventfd \\(type 3\\) from bundle \\d+ " + IOEVENTFD + " \\S+"));
        assertTrue(line(run("gunyah:functions"), "3 ").matches("3 +ioeventfd +.* ACTIVE +0 +-"));
    }

    @Test
    public void errorsAreOneLineNamingTheErrno() throws Exception {
        run("gunyah:vm-create here");

        assertTrue(failure("gunyah:fn-add nowhere vcpu id=0").contains("ENOENT: no VM nowhere"));
        assertTrue(failure("gunyah:fn-add here vcpu colour=red").contains("EINVAL: vcpu has no field 'colour'"));
        assertTrue(failure("gunyah:fn-add here nosuchtype").contains("ENOENT: no function type named nosuchtype"));
        assertTrue(failure("gunyah:vm-create here").contains("EEXIST"));
        assertTrue(failure("gunyah:vm-create 9lives").contains("EINVAL"));
        assertTrue(failure("gunyah:vm-create big --memory 12345").contains("EINVAL"));
        assertTrue(failure("gunyah:vm-create other --hypervisor nope").contains("ENODEV"));
        assertTrue(failure("gunyah:vm-start here").contains("EINVAL: VM here has no vcpu function"));
        assertTrue(failure("gunyah:undeploy 999").contains("ENOENT"));
        assertTrue(failure("gunyah:vm-create x --cpus 2").contains("EINVAL: unknown option --cpus"));
        assertEquals(1, await(ManagedVms.class).list().size());
    }

    @Test
    public void everyCommandExplainsItself() throws Exception {
        assertTrue(run("gunyah:vm-create --help").startsWith("gunyah:vm-create <name> [--hypervisor <name>]"));
        String overview = run("gunyah:gunyah");
        for (String c : new String[] {
            "functions", "vms", "vm-create", "vm-start", "vm-wait", "vm-destroy", "vm-console", "fn-add", "fn-remove"
        }) {
            assertTrue(overview, overview.contains("gunyah:" + c));
        }
    }

    @Test
    public void aThirdPartysFunctionTypeIsNamedInFnAddAndVms() throws Exception {
        org.gunyah.vmm.spi.VmFunction counter = new org.gunyah.vmm.spi.VmFunction() {
            @Override
            public Object bind(org.gunyah.vmm.spi.FunctionInstance instance) {
                return null;
            }

            @Override
            public void unbind(org.gunyah.vmm.spi.FunctionInstance instance) {}

            @Override
            public boolean compare(org.gunyah.vmm.spi.FunctionInstance instance, byte[] arg) {
                return java.util.Arrays.equals(instance.arg(), arg);
            }
        };
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put(org.gunyah.vmm.spi.VmFunction.TYPE, 42);
        props.put(org.gunyah.vmm.spi.VmFunction.NAME, "counter");
        context.registerService(org.gunyah.vmm.spi.VmFunction.class, counter, props);
        run("gunyah:vm-create counted --memory 64K");

        assertEquals("added counter arg=01 to VM counted", run("gunyah:fn-add counted 42 arg=01"));
        assertTrue(
                run("gunyah:vms"),
                line(run("gunyah:vms"), vmId("counted") + " ").endsWith(" counter:1"));
    }

    private int vmId(String name) throws Exception {
        return await(ManagedVms.class).find(name).orElseThrow().vm().id();
    }

    @Test
    public void addingAFunctionAForcedUndeployRemovedLeavesTheVmWithOneInstance() throws Exception {
        run("gunyah:vm-create keep --memory 64K --image " + spinner());
        run("gunyah:fn-add keep vcpu id=0");
        run("gunyah:fn-add keep irqfd label=1");
        run("gunyah:vm-start keep");
        run("gunyah:undeploy -f irqfd");

        run("gunyah:fn-add keep irqfd label=1");

        ManagedVm vm = await(ManagedVms.class).find("keep").orElseThrow();
        assertTrue(vm.awaitFunctions(TIMEOUT));
        assertEquals(2, vm.vm().functions().size());
        assertTrue(
                run("gunyah:vms"), line(run("gunyah:vms"), vm.vm().id() + " ").endsWith(" irqfd:1 vcpu:0"));
        assertTrue(line(run("gunyah:functions"), "2 ").matches("2 +irqfd +.* ACTIVE +1 +.*"));
    }

    @Test
    public void vmConsoleEndsWithHowTheGuestWentDown() throws Exception {
        Path crash = Path.of(context.getProperty(REPO)).resolveSibling("crash.bin");
        Files.write(crash, new byte[] {0, 0, 0, 0}); // UDF #0
        run("gunyah:vm-create broken --memory 64K --image " + crash);
        run("gunyah:fn-add broken vcpu id=0");
        run("gunyah:vm-start broken");
        assertTrue(await(ManagedVms.class).find("broken").orElseThrow().awaitDown(TIMEOUT));

        assertTrue(
                run("gunyah:vm-console broken"),
                run("gunyah:vm-console broken").endsWith("(VBAR_EL1 0x0) at pc 0x40000000 (instruction 0x00000000)))"));
    }
}
