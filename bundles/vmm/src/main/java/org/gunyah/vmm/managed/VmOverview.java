package org.gunyah.vmm.managed;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.gunyah.vmm.api.FunctionDesc;
import org.gunyah.vmm.api.FunctionType;
import org.gunyah.vmm.api.GunyahException;
import org.gunyah.vmm.api.VcpuArg;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.VmInfo;

/**
 * One line of what the consoles show of a VM ({@code gunyah:vms}, the Web Console's table):
 * {@code name} is "-" for a VM made outside the VMM; {@code status} is a VMM's VM's
 * {@link ManagedVm#status()} (an exit through the exit register, a crash's reason), else the VM
 * manager's state; {@code functions} summarises the bound ones, each type by its provider's name,
 * and, for a VMM's VM, those it waits to get back (see {@link ManagedVm#missingFunctions}).
 */
public record VmOverview(int id, String name, String hypervisor, String status, int vcpus, String functions) {

    /** Every live VM, oldest first; {@code vms} may be null when no VMM runs. */
    public static List<VmOverview> of(FunctionAdmin admin, ManagedVms vms) {
        Map<Integer, ManagedVm> managed = new HashMap<>();
        if (vms != null) {
            vms.list().forEach(vm -> managed.put(vm.vm().id(), vm));
        }
        Map<Integer, String> names = new HashMap<>();
        admin.functionTypes().forEach(t -> names.put(t.type(), t.provider().name()));
        IntFunction<String> name = type -> names.getOrDefault(type, FunctionType.describe(type));
        List<VmOverview> rows = new ArrayList<>();
        for (VmInfo vm : admin.listVms()) {
            ManagedVm m = managed.get(vm.id());
            List<FunctionDesc> missing = m == null ? List.of() : m.missingFunctions();
            int vcpus = (int) vm.functions().stream()
                    .filter(f -> f.type() == FunctionType.VCPU)
                    .count();
            rows.add(new VmOverview(
                    vm.id(),
                    m == null ? "-" : m.name(),
                    vm.hypervisor(),
                    m == null ? vm.state().name() : m.status(),
                    vcpus,
                    summary(vm.functions(), name)
                            + (missing.isEmpty() ? "" : " (waiting for " + summary(missing, name) + ")")));
        }
        return rows;
    }

    /** {@code irqfd:2 vcpu:0,1}: vCPU ids, then counts of the other types, by type name; "-" for none. */
    public static String summary(List<FunctionDesc> functions) {
        return summary(functions, FunctionType::describe);
    }

    /**
     * As {@link #summary(List)}, each type named by {@code names} (a provider's name, from its
     * {@code gunyah.function} capability, for types no built-in name covers).
     */
    public static String summary(List<FunctionDesc> functions, IntFunction<String> names) {
        if (functions.isEmpty()) {
            return "-";
        }
        Map<String, List<String>> byType = new TreeMap<>();
        for (FunctionDesc f : functions) {
            String detail;
            try {
                detail = f.type() == FunctionType.VCPU
                        ? Integer.toString(VcpuArg.decode(f.arg()).id())
                        : null;
            } catch (GunyahException e) {
                detail = null;
            }
            byType.computeIfAbsent(names.apply(f.type()), k -> new ArrayList<>())
                    .add(detail);
        }
        return byType.entrySet().stream()
                .map(e -> e.getKey() + ":"
                        + (e.getValue().getFirst() != null
                                ? String.join(",", e.getValue())
                                : Integer.toString(e.getValue().size())))
                .collect(Collectors.joining(" "));
    }
}
