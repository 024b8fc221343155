package org.gunyah.vmm.managed.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.Supervision;
import org.gunyah.vmm.managed.VmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/** How the VMM watches a running guest (the watchdog) and answers its reset (stop or restart). */
class SupervisionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WATCHDOG = Duration.ofMillis(300);

    private final TestVms testVms = new TestVms();
    private final ManagedVmRegistry vms = testVms.vms;

    @TempDir
    Path dir;

    @AfterEach
    void close() {
        testVms.close();
    }

    private Path image(String guest) throws IOException {
        return TestVms.image(dir, guest);
    }

    private ManagedVm running(VmSpec spec, int vcpus) throws Exception {
        ManagedVm vm = vms.create(spec);
        for (int i = 0; i < vcpus; i++) {
            vm.addFunction(new VcpuArg(i).desc());
        }
        vm.start();
        return vm;
    }

    private VmSpec watched(String name, String guest) throws IOException {
        return VmSpec.of(name)
                .withMemory(1 << 20)
                .withImage(image(guest))
                .withSupervision(Supervision.NONE.withWatchdog(WATCHDOG));
    }

    @Test
    void aGuestSilentForTheWatchdogsPeriodEndsCrashedSayingWhereEachVcpuWas() throws Exception {
        ManagedVm vm = running(watched("silent", "spin"), 2);

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals(
                "CRASHED(watchdog: no console output for 300ms; vCPU 0 at pc 0x40000000 (instruction 0x14000000),"
                        + " vCPU 1 at pc 0x40000000 (instruction 0x14000000))",
                vm.status());
        assertEquals(0, vm.runningVcpus());
    }

    @Test
    void aGuestThatKeepsPrintingIsLeftRunning() throws Exception {
        ManagedVm vm = running(watched("chatty", "chatter"), 1);

        // ten periods of output: a watchdog that ignored it would have fired by now
        assertFalse(vm.awaitDown(WATCHDOG.multipliedBy(10)));
        assertEquals("RUNNING", vm.status());
    }

    @Test
    void withoutAWatchdogASilentGuestRunsOn() throws Exception {
        ManagedVm vm = running(VmSpec.of("unwatched").withMemory(1 << 20).withImage(image("spin")), 1);

        assertFalse(vm.awaitDown(WATCHDOG.multipliedBy(3)));
        assertEquals("RUNNING", vm.status());
    }

    @Test
    void aGuestsResetStopsItsVmWithStatusReset() throws Exception {
        ManagedVm vm = running(VmSpec.of("rebooter").withMemory(1 << 20).withImage(image("reset-hello")), 1);

        assertTrue(vm.awaitDown(TIMEOUT));
        assertEquals(ManagedVm.RESET, vm.status());
        assertTrue(vm.resetRequested());
    }

    /** The console lines of a declared VM's logger, and a latch counting the boot lines among them. */
    private static final class ConsoleLog extends Handler implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch boots;
        final CountDownLatch ended = new CountDownLatch(1);
        private final Logger logger;

        ConsoleLog(String vmName, int boots) {
            this.boots = new CountDownLatch(boots);
            this.logger = Logger.getLogger(ConsoleSink.LOGGERS + "." + vmName);
            logger.addHandler(this);
        }

        @Override
        public void publish(LogRecord r) {
            String line = r.getParameters() == null
                    ? r.getMessage()
                    : java.text.MessageFormat.format(r.getMessage(), r.getParameters());
            lines.add(line);
            if (line.equals("booted, now resetting")) {
                boots.countDown();
            } else if (line.startsWith("the guest is down")) {
                ended.countDown();
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    private DeclaredVm declare(String name, String reset) throws IOException {
        Path image = image("reset-hello");
        Map<String, Object> values = Map.of("name", name, "memory", "1M", "image", image.toString(), "reset", reset);
        VmConfiguration config = (VmConfiguration) Proxy.newProxyInstance(
                VmConfiguration.class.getClassLoader(),
                new Class<?>[] {VmConfiguration.class},
                (proxy, method, args) ->
                        values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
        BundleContext context = (BundleContext) Proxy.newProxyInstance(
                BundleContext.class.getClassLoader(), new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getProperty")) {
                        return dir.toString();
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new DeclaredVm(vms, context, config, values);
    }

    @Test
    void aDeclaredGuestThatResetsIsRestartedWhenItsDeclarationSaysRestart() throws Exception {
        try (ConsoleLog log = new ConsoleLog("restarter", 3)) {
            DeclaredVm declared = declare("restarter", "restart");
            try {
                assertTrue(log.boots.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), () -> "boots: " + log.lines);
            } finally {
                declared.deactivate();
            }
        }
    }

    @Test
    void aDeclaredGuestThatResetsIsStoppedByDefault() throws Exception {
        try (ConsoleLog log = new ConsoleLog("stopper", 1)) {
            DeclaredVm declared = declare("stopper", "stop");
            try {
                assertTrue(log.ended.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS), () -> "lines: " + log.lines);
            } finally {
                declared.deactivate();
            }
            assertEquals(List.of("booted, now resetting", "the guest is down (RESET); the VM is torn down"), log.lines);
        }
    }
}
