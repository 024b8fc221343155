package org.gunyah.vmm.managed.internal;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.gunyah.vmm.api.Errno;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionHandle;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.IoeventfdArg;
import org.gunyah.vmm.api.IrqfdArg;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.Vm;

/**
 * The functions a VM was given and not asked to remove, and their restore: when a function type's
 * bundle comes back after its departure unbound them, they are added again, never loading a
 * bundle to do so. Guarded by its VM's lock.
 */
final class KeptFunctions {
    private static final Logger LOG = System.getLogger(KeptFunctions.class.getName());

    private final Vm vm;
    private final String vmName;
    private final VmCounters counters;
    private final List<FunctionDesc> kept = new ArrayList<>();

    KeptFunctions(Vm vm, String vmName, VmCounters counters) {
        this.vm = vm;
        this.vmName = vmName;
        this.counters = counters;
    }

    /**
     * A function the user added: it is kept, and it takes over every kept function that is not
     * bound now and names the same instance ({@link #sameInstance}), which is then no longer kept.
     * Without this, the VMM's restore, which the add's loading of the bundle set off, would add
     * the old one back beside it, or (refused with EEXIST) show it as waited for until then.
     */
    void added(FunctionDesc desc) {
        List<FunctionDesc> bound = vm.functions();
        kept.removeIf(d -> !d.equals(desc) && !bound.contains(d) && sameInstance(d, desc));
        if (!kept.contains(desc)) {
            kept.add(desc);
        }
    }

    /**
     * Whether two descriptors name the same instance, as the built-in functions' {@code compare}
     * decides a removal: a vcpu by its id, an irqfd by its label, an ioeventfd by address, length
     * and datamatch; other types only when their arguments are equal. The eventfd never counts.
     */
    static boolean sameInstance(FunctionDesc a, FunctionDesc b) {
        if (a.type() != b.type()) {
            return false;
        }
        try {
            return switch (a.type()) {
                case FunctionType.VCPU ->
                    VcpuArg.decode(a.arg()).id() == VcpuArg.decode(b.arg()).id();
                case FunctionType.IRQFD ->
                    IrqfdArg.decode(a.arg()).label() == IrqfdArg.decode(b.arg()).label();
                case FunctionType.IOEVENTFD -> {
                    IoeventfdArg x = IoeventfdArg.decode(a.arg());
                    IoeventfdArg y = IoeventfdArg.decode(b.arg());
                    yield x.addr() == y.addr()
                            && x.len() == y.len()
                            && x.hasDatamatch() == y.hasDatamatch()
                            && (!x.hasDatamatch() || x.datamatch() == y.datamatch());
                }
                default -> a.equals(b);
            };
        } catch (GunyahException e) {
            return a.equals(b);
        }
    }

    /** Forgets what a removal took from the VM: bound {@code before}, not {@code after}. */
    void removed(List<FunctionDesc> before, List<FunctionDesc> after) {
        kept.removeIf(d -> before.contains(d) && !after.contains(d));
    }

    List<FunctionDesc> all() {
        return List.copyOf(kept);
    }

    /** The kept functions that are not bound now. */
    List<FunctionDesc> missing() {
        List<FunctionDesc> bound = vm.functions();
        return kept.stream().filter(d -> !bound.contains(d)).toList();
    }

    /**
     * Re-adds the kept functions of {@code type} that are not bound, giving each new instance to
     * {@code bound}. A function that cannot be added again is no longer kept: retrying could only
     * fail the same way.
     */
    void restore(int type, Consumer<FunctionHandle> bound) {
        List<FunctionDesc> now = vm.functions();
        for (FunctionDesc desc : List.copyOf(kept)) {
            if (desc.type() != type || now.contains(desc)) {
                continue;
            }
            try {
                Optional<FunctionHandle> handle = vm.addFunctionIfProvided(desc);
                if (handle.isEmpty()) {
                    return; // gone again already: its next return restores the rest
                }
                counters.functionsRestored.increment();
                bound.accept(handle.get());
            } catch (GunyahException e) {
                kept.remove(desc);
                if (e.errno() == Errno.EEXIST) {
                    LOG.log(
                            Level.INFO,
                            "VM {0}: {1} was added again in another form meanwhile; it is no longer kept",
                            vmName,
                            desc);
                } else {
                    counters.error("re-adding " + desc + ": " + e.getMessage() + " (no longer kept)");
                }
            }
        }
    }
}
