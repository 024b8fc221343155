package org.gunyah.vmm.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.soak.SoakDriver;
import org.gunyah.vmm.soak.SoakPlan;
import org.gunyah.vmm.soak.SoakResult;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The soak's bounded version: 4 VMs of 4 vCPUs whose guests ring and take interrupts without
 * pause while the three function bundles are replaced 200 times (forced redeploy, update,
 * refresh, in turn). Nothing may be lost, leaked or fail. {@code benchmarks/run.sh soak} runs the
 * full one (16 VMs, for as long as asked) in the runtime: 64 vCPU threads that never rest make a
 * replacement take over a second on two cores, too long for every build.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SoakIT extends GunyahTestSupport {
    private static final int CYCLES = 200;
    private static final int VMS = 4;

    @Override
    @Configuration
    public Option[] config() {
        return options(
                base(),
                reactorBundle(VCPU),
                reactorBundle(IRQFD),
                reactorBundle(IOEVENTFD),
                reactorBundle("org.gunyah.vmm.vmm"),
                reactorBundle("org.gunyah.vmm.soak"),
                mavenBundle(
                        "org.apache.felix",
                        "org.apache.felix.gogo.runtime",
                        System.getProperty("gunyah.itest.gogo.version")));
    }

    @Test
    public void twoHundredBundleReplacementsUnderLoadLoseAndLeakNothing() throws Exception {
        Path dir = Files.createTempDirectory("soak");
        SoakDriver driver = new SoakDriver(
                context, await(VmManager.class), await(FunctionAdmin.class), await(ManagedVms.class), dir);

        SoakResult result = driver.run(SoakPlan.of(VMS, CYCLES, Duration.ZERO), System.out::println);

        System.out.println(result.line());
        String problems = String.join("\n", result.problems());
        assertEquals(problems, CYCLES, result.cycles());
        assertEquals(problems, 0, result.lostSignals());
        assertEquals(problems, 0, result.leakedResources());
        assertEquals(problems, 0, result.leakedThreads());
        assertEquals(problems, 0, result.errors());
        assertTrue(result.line(), result.guestWrites() > 0 && result.interruptsTaken() > 0);
        assertEquals(result.line(), result.guestWrites(), result.signals());
        assertEquals(result.line(), result.interruptsSent(), result.interruptsTaken());
    }
}
