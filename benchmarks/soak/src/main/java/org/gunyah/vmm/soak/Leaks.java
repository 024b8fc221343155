package org.gunyah.vmm.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.spi.VmFunction;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * What a soak must leave behind: the threads that ran before it, and for its VMs no VM, function
 * instance or pinned function service.
 */
final class Leaks {
    private final Set<Thread> before = Thread.getAllStackTraces().keySet();

    /** Threads started since, still alive after waiting up to {@code timeout} for them to end. */
    List<String> threads(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : newThreads()) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
        }
        return newThreads().stream().map(Thread::getName).sorted().toList();
    }

    private List<Thread> newThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .toList();
    }

    /**
     * The soak's VMs still open, their function instances still bound, and function services still
     * held while no instance of their type is left anywhere.
     */
    static List<String> resources(BundleContext context, FunctionAdmin admin, Set<Integer> vmIds) {
        List<String> left = new ArrayList<>();
        admin.listVms().stream()
                .filter(v -> vmIds.contains(v.id()))
                .forEach(v -> left.add("VM " + v.id() + " is still open"));
        for (int type : FunctionCycler.TYPES) {
            Optional<FunctionTypeInfo> info = admin.functionType(type);
            if (info.isEmpty()) {
                continue;
            }
            info.get().instancesByVm().forEach((vm, n) -> {
                if (vmIds.contains(vm)) {
                    left.add(n + " " + FunctionType.describe(type) + " instances are still bound to VM " + vm);
                }
            });
            if (info.get().instances() == 0) {
                held(context, info.get().provider().serviceId())
                        .ifPresent(users -> left.add(FunctionType.describe(type) + "'s service is still held by "
                                + users + " with no instance left"));
            }
        }
        return left;
    }

    private static Optional<String> held(BundleContext context, long serviceId) {
        try {
            ServiceReference<?>[] refs =
                    context.getServiceReferences(VmFunction.class.getName(), "(service.id=" + serviceId + ")");
            Bundle[] users = refs == null ? null : refs[0].getUsingBundles();
            return users == null
                    ? Optional.empty()
                    : Optional.of(
                            Arrays.stream(users).map(Bundle::getSymbolicName).collect(Collectors.joining(", ")));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
