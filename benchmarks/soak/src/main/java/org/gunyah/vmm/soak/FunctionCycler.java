package org.gunyah.vmm.soak;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.UndeployOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Replaces function bundles the three ways a running system does: a forced undeploy that also
 * uninstalls, followed by a deploy of the same jar; {@code Bundle.update} from the jar; and a
 * package refresh of the bundle. Each returns once the type has a provider again.
 */
final class FunctionCycler {
    static final List<Integer> TYPES = List.of(FunctionType.VCPU, FunctionType.IRQFD, FunctionType.IOEVENTFD);
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    enum Kind {
        REDEPLOY,
        UPDATE,
        REFRESH
    }

    private final BundleContext context;
    private final FunctionAdmin admin;
    private final ProvidedEvents provided;
    /** Each type's bundle as it was at the start, kept here because an undeploy deletes it. */
    private final Map<Integer, Path> jars = new HashMap<>();

    FunctionCycler(BundleContext context, FunctionAdmin admin, ProvidedEvents provided, Path dir)
            throws GunyahException {
        this.context = context;
        this.admin = admin;
        this.provided = provided;
        for (int type : TYPES) {
            Bundle b = bundle(type);
            Path jar = dir.resolve(b.getSymbolicName() + ".jar");
            try (InputStream in = URI.create(b.getLocation()).toURL().openStream()) {
                Files.write(jar, in.readAllBytes());
            } catch (IOException | IllegalArgumentException e) {
                throw GunyahException.of(
                        Errno.ENOENT,
                        "cannot keep a copy of %s from %s: %s",
                        b.getSymbolicName(),
                        b.getLocation(),
                        e.getMessage());
            }
            jars.put(type, jar);
        }
    }

    private Bundle bundle(int type) throws GunyahException {
        FunctionTypeInfo info = admin.functionType(type)
                .orElseThrow(
                        () -> GunyahException.of(Errno.ENOENT, "no bundle provides %s", FunctionType.describe(type)));
        Bundle b = context.getBundle(info.provider().bundleId());
        if (b == null) {
            throw GunyahException.of(Errno.ENOENT, "the bundle of %s is gone", FunctionType.describe(type));
        }
        return b;
    }

    /** Replaces {@code type}'s bundle the {@code kind} way and waits until the type is provided again. */
    void cycle(int type, Kind kind) throws Exception {
        long seen = provided.count(type);
        switch (kind) {
            case REDEPLOY -> {
                admin.undeploy(Integer.toString(type), UndeployOption.FORCE, UndeployOption.UNINSTALL);
                admin.deploy(jars.get(type).toUri());
            }
            case UPDATE -> {
                try (InputStream in = Files.newInputStream(jars.get(type))) {
                    bundle(type).update(in);
                }
            }
            case REFRESH -> refresh(bundle(type));
        }
        if (!provided.awaitBeyond(type, seen, TIMEOUT)) {
            throw GunyahException.of(
                    Errno.ETIMEDOUT,
                    "%s was not provided again within %s after %s",
                    FunctionType.describe(type),
                    TIMEOUT,
                    kind);
        }
    }

    private void refresh(Bundle b) throws InterruptedException, GunyahException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(b), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        if (!done.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw GunyahException.of(
                    Errno.ETIMEDOUT, "the refresh of %s did not finish within %s", b.getSymbolicName(), TIMEOUT);
        }
    }

    /** After a failed cycle: makes sure the type has a started bundle again. */
    void recover(int type) {
        try {
            Bundle b = bundle(type);
            if (b.getState() != Bundle.ACTIVE) {
                b.start();
            }
        } catch (GunyahException e) {
            try {
                admin.deploy(jars.get(type).toUri());
            } catch (GunyahException again) {
                // reported by the next cycle of this type
            }
        } catch (BundleException | IllegalStateException e) {
            // reported by the next cycle of this type
        }
    }
}
