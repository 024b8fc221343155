package org.gunyah.vmm.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.EventFd;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.Vm;
import org.gunyah.vmm.api.VmManager;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.wiring.BundleRevision;

/**
 * {@code hotload}, measured inside a running runtime with the ioeventfd function bundle:
 * <ul>
 * <li>deploy: its jar copied into the hot-deploy folder until the first {@code addFunction} of
 * its type succeeds (FileInstall notices it, installs and starts it, DS registers the function);
 * <li>first use: the bundle installed but stopped, until the {@code addFunction} that starts it
 * on demand returns (installed, active, bound).
 * </ul>
 * Each run starts from the bundle gone (deploy) or stopped (first use); the runtime's own copy in
 * the function folder is put back at the end.
 */
public final class Hotload {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final BundleContext context;
    private final VmManager manager;
    private final FunctionAdmin admin;
    private final Path deployDir;
    private final Path work;

    public Hotload(BundleContext context, VmManager manager, FunctionAdmin admin, Path deployDir, Path work) {
        this.context = context;
        this.manager = manager;
        this.admin = admin;
        this.deployDir = deployDir;
        this.work = work;
    }

    /** Milliseconds per run of each measure. */
    public record Result(List<Double> deployMs, List<Double> firstUseMs) {}

    public Result run(int runs) throws GunyahException, InterruptedException, IOException {
        Bundle bundle = bundle(FunctionType.IOEVENTFD);
        Path jar = work.resolve("ioeventfd-hotload.jar");
        try (InputStream in = URI.create(bundle.getLocation()).toURL().openStream()) {
            Files.write(jar, in.readAllBytes());
        }
        ProvidedEvents provided = new ProvidedEvents();
        List<Double> deploy = new ArrayList<>();
        List<Double> firstUse = new ArrayList<>();
        try (VmManager.Subscription s = manager.onFunctionProvided(provided);
                Vm vm = manager.createVm();
                EventFd fd = manager.createEventFd(0, EventFd.NONBLOCK)) {
            FunctionDesc desc = IoeventfdArg.of(0x0a00_0000L, 4, fd.fd()).desc();
            for (int i = 0; i < runs; i++) {
                admin.undeploy(Integer.toString(FunctionType.IOEVENTFD), UndeployOption.FORCE);
                firstUse.add(timeFirstUse(vm, desc));
            }
            admin.undeploy(Integer.toString(FunctionType.IOEVENTFD), UndeployOption.FORCE, UndeployOption.UNINSTALL);
            for (int i = 0; i < runs; i++) {
                // a new name each time: FileInstall keeps state per file, and a file it is still
                // forgetting would look unchanged
                Path dropped = deployDir.resolve("ioeventfd-hotload-" + i + ".jar");
                long seen = provided.count(FunctionType.IOEVENTFD);
                long start = System.nanoTime();
                Files.copy(jar, dropped, StandardCopyOption.REPLACE_EXISTING);
                if (!provided.awaitBeyond(FunctionType.IOEVENTFD, seen, TIMEOUT)) {
                    throw GunyahException.of(
                            Errno.ETIMEDOUT,
                            "the ioeventfd bundle dropped into %s was not provided within %s",
                            deployDir,
                            TIMEOUT);
                }
                vm.addFunction(desc);
                deploy.add((System.nanoTime() - start) / 1e6);
                vm.removeFunction(desc);
                admin.undeploy(
                        Integer.toString(FunctionType.IOEVENTFD), UndeployOption.FORCE, UndeployOption.UNINSTALL);
            }
        } finally {
            admin.deploy(jar.toUri()); // back into the function folder, as the runtime shipped it
            Files.deleteIfExists(jar);
        }
        return new Result(deploy, firstUse);
    }

    private static double timeFirstUse(Vm vm, FunctionDesc desc) throws GunyahException {
        long start = System.nanoTime();
        vm.addFunction(desc);
        double ms = (System.nanoTime() - start) / 1e6;
        vm.removeFunction(desc);
        return ms;
    }

    private Bundle bundle(int type) throws GunyahException {
        for (Bundle b : context.getBundles()) {
            BundleRevision r = b.adapt(BundleRevision.class);
            if (r != null
                    && r.getDeclaredCapabilities("gunyah.function").stream()
                            .anyMatch(c ->
                                    Long.valueOf(type).equals(c.getAttributes().get("type")))) {
                return b;
            }
        }
        throw GunyahException.of(Errno.ENOENT, "no bundle provides function type %d", type);
    }

    public static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
