package org.gunyah.vmm.soak.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.soak.SoakDriver;
import org.gunyah.vmm.soak.SoakPlan;
import org.gunyah.vmm.soak.SoakResult;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code gunyah:soak}: the soak as a console command, for a runtime started to run it (the
 * benchmarks' {@code run.sh soak} drops this bundle into a copy of the runtime's deploy folder).
 */
@Component(
        service = SoakCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=soak"})
public final class SoakCommand {
    private final SoakDriver driver;

    @Activate
    public SoakCommand(
            @Reference VmManager manager,
            @Reference FunctionAdmin admin,
            @Reference ManagedVms vms,
            BundleContext context)
            throws IOException {
        Path dir = Files.createDirectories(context.getDataFile("soak").toPath());
        this.driver = new SoakDriver(context, manager, admin, vms, dir);
    }

    @Descriptor("run VMs whose guests ring doorbells and take interrupts while every function bundle is replaced "
            + "over and over; prints one soak: line and fails if anything was lost, leaked or went wrong. It replaces "
            + "this runtime's function bundles: never run it beside VMs that matter")
    public String soak(
            CommandSession session,
            @Descriptor("number of VMs, 4 vCPUs each") @Parameter(names = "--vms", absentValue = "16") int vms,
            @Descriptor("stop after this many bundle replacements (0: no limit)")
                    @Parameter(names = "--cycles", absentValue = "0")
                    long cycles,
            @Descriptor("stop after this many minutes (0: no limit)") @Parameter(names = "--minutes", absentValue = "0")
                    double minutes,
            @Descriptor("backend to run the VMs on (default: the preferred one)")
                    @Parameter(names = "--hypervisor", absentValue = "")
                    String hypervisor)
            throws GunyahException, InterruptedException {
        PrintStream out = session == null ? System.out : session.getConsole();
        SoakPlan plan = SoakPlan.of(vms, cycles, Duration.ofMillis(Math.round(minutes * 60_000)), hypervisor);
        SoakResult result = driver.run(plan, out::println);
        result.problems().stream().limit(20).forEach(p -> out.println("soak: problem: " + p));
        if (!result.clean()) {
            out.println(result.line());
            throw GunyahException.of(Errno.EIO, "the soak lost, leaked or failed something (see above)");
        }
        return result.line();
    }
}
