package org.gunyah.vmm.soak.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.soak.Hotload;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code gunyah:hotload}: the hot-load benchmark in this runtime ({@code run.sh hotload} drops
 * this bundle into a copy of the runtime). It undeploys and redeploys the ioeventfd bundle: never
 * run it beside VMs that use it.
 */
@Component(
        service = HotloadCommand.class,
        property = {"osgi.command.scope=gunyah", "osgi.command.function=hotload"})
public final class HotloadCommand {
    private final Hotload hotload;

    @Activate
    public HotloadCommand(@Reference VmManager manager, @Reference FunctionAdmin admin, BundleContext context)
            throws IOException {
        String home = context.getProperty("gunyah.home");
        Path deploy = Path.of(home == null ? "" : home).resolve("deploy");
        this.hotload = new Hotload(
                context,
                manager,
                admin,
                deploy,
                Files.createDirectories(context.getDataFile("hotload").toPath()));
    }

    @Descriptor("measure hot deploy (a jar dropped into deploy/ until its function is added) and on-demand start (first"
            + " use of an installed function type); prints one hotload: line of medians")
    public String hotload(@Descriptor("runs of each measure") @Parameter(names = "--runs", absentValue = "10") int runs)
            throws GunyahException, InterruptedException, IOException {
        Hotload.Result r = hotload.run(runs);
        return String.format(
                "hotload: deploy_ms=%.1f first_use_ms=%.1f runs=%d",
                Hotload.median(r.deployMs()), Hotload.median(r.firstUseMs()), runs);
    }
}
