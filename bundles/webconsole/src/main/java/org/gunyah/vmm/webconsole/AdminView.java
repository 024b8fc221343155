package org.gunyah.vmm.webconsole;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.gunyah.vmm.api.admin.FunctionAdmin;
import org.gunyah.vmm.api.admin.FunctionTypeInfo;
import org.gunyah.vmm.api.admin.ProviderInfo;
import org.gunyah.vmm.managed.DeviceInfo;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.gunyah.vmm.managed.VmOverview;

/**
 * The page's tables as rows of strings, with the columns of {@code gunyah:functions}, {@code
 * gunyah:vms} and {@code gunyah:vm-devices}.
 */
final class AdminView {
    static final List<String> FUNCTION_COLUMNS =
            List.of("Type", "Name", "Bundle", "Version", "State", "Instances", "Users");
    static final List<String> VM_COLUMNS = List.of("ID", "Name", "Hypervisor", "Status", "vCPUs", "Functions");
    static final List<String> DEVICE_COLUMNS = List.of("VM", "Device", "Window", "SPI", "State", "Replacements");

    private AdminView() {}

    /** One row per function type and per refused provider; {@code type} leads each row. */
    static List<List<String>> functions(FunctionAdmin admin, ManagedVms vms) {
        Map<Integer, String> names = names(vms);
        List<List<String>> rows = new ArrayList<>();
        for (FunctionTypeInfo t : admin.functionTypes()) {
            String type = Integer.toUnsignedString(t.type());
            String users = new TreeMap<>(t.instancesByVm())
                    .entrySet().stream()
                            .map(e -> names.getOrDefault(e.getKey(), Integer.toString(e.getKey())) + "(" + e.getValue()
                                    + ")")
                            .collect(Collectors.joining(" "));
            rows.add(row(type, t.provider(), t.provider().state(), t.instances(), users.isEmpty() ? "-" : users));
            for (ProviderInfo refused : t.refused()) {
                rows.add(row(type, refused, "REFUSED", 0, "-"));
            }
        }
        return rows;
    }

    private static List<String> row(String type, ProviderInfo p, String state, int instances, String users) {
        return List.of(
                type,
                p.name(),
                p.bundleId() < 0 ? "-" : p.bundleId() + " " + p.symbolicName(),
                p.version(),
                state,
                Integer.toString(instances),
                users);
    }

    static List<List<String>> vms(FunctionAdmin admin, ManagedVms vms) {
        return VmOverview.of(admin, vms).stream()
                .map(v -> List.of(
                        Integer.toString(v.id()),
                        v.name(),
                        v.hypervisor(),
                        v.status(),
                        Integer.toString(v.vcpus()),
                        v.functions()))
                .toList();
    }

    /** One row per device of a device bundle in each VM, in the VMs' order and then their slots'. */
    static List<List<String>> devices(ManagedVms vms) {
        List<List<String>> rows = new ArrayList<>();
        if (vms == null) {
            return rows;
        }
        for (ManagedVm vm : vms.list()) {
            for (DeviceInfo d : vm.devices()) {
                rows.add(List.of(
                        vm.name(),
                        d.spec().toString(),
                        String.format("0x%x (0x%x bytes)", d.base(), d.size()),
                        Integer.toString(d.spi()),
                        d.attached() ? "attached" : "held (its model is away)",
                        d.replacements().toString()));
            }
        }
        return rows;
    }

    /** The device models the device bundles provide now, as {@code gunyah:vm-devices} lists them. */
    static String deviceModels(ManagedVms vms) {
        java.util.Set<String> models = vms == null ? java.util.Set.of() : vms.deviceModels();
        return models.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(models));
    }

    private static Map<Integer, String> names(ManagedVms vms) {
        Map<Integer, String> names = new LinkedHashMap<>();
        if (vms != null) {
            for (ManagedVm vm : vms.list()) {
                names.put(vm.vm().id(), vm.name());
            }
        }
        return names;
    }
}
