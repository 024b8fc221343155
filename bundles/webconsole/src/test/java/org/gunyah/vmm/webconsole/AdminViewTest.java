package org.gunyah.vmm.webconsole;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.gunyah.vmm.managed.DeviceInfo;
import org.gunyah.vmm.managed.DeviceSpec;
import org.gunyah.vmm.managed.ManagedVm;
import org.gunyah.vmm.managed.ManagedVms;
import org.junit.jupiter.api.Test;

/** The page's device table: what gunyah:vm-devices shows, a row per device. */
class AdminViewTest {
    private static <T> T stub(Class<T> type, Map<String, Object> answers) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> {
            if (!answers.containsKey(m.getName())) {
                throw new UnsupportedOperationException(m.getName());
            }
            return answers.get(m.getName());
        }));
    }

    private static ManagedVms vms(Set<String> models, ManagedVm... vms) {
        return stub(ManagedVms.class, Map.of("list", List.of(vms), "deviceModels", models));
    }

    private static ManagedVm vm(String name, DeviceInfo... devices) {
        return stub(ManagedVm.class, Map.of("name", name, "devices", List.of(devices)));
    }

    @Test
    void eachDeviceIsARowWithItsVmWindowSpiStateAndReplacements() {
        DeviceInfo rng = new DeviceInfo(new DeviceSpec("virtio-rng", Map.of()), 0x0b000000L, 0x200, 16, true);
        DeviceInfo blk = new DeviceInfo(
                new DeviceSpec("virtio-blk", Map.of("file", "/d.img")),
                0x0b001000L,
                0x200,
                17,
                false,
                DeviceInfo.Replacements.NONE.plus(Duration.ofMillis(12)));

        List<List<String>> rows = AdminView.devices(vms(Set.of("virtio-rng"), vm("a", rng), vm("b", blk)));

        assertEquals(
                List.of(
                        List.of("a", "virtio-rng", "0xb000000 (0x200 bytes)", "16", "attached", "never replaced"),
                        List.of(
                                "b",
                                "virtio-blk file=/d.img",
                                "0xb001000 (0x200 bytes)",
                                "17",
                                "held (its model is away)",
                                "replaced 1 time, pause last 12.0 ms, longest 12.0 ms, mean 12.0 ms")),
                rows);
    }

    @Test
    void theModelsProvidedAreListedByName() {
        assertEquals("virtio-blk, virtio-rng", AdminView.deviceModels(vms(Set.of("virtio-rng", "virtio-blk"))));
        assertEquals("none", AdminView.deviceModels(vms(Set.of())));
    }

    @Test
    void withoutTheVmmThereAreNoDevicesAndNoModels() {
        assertEquals(List.of(), AdminView.devices(null));
        assertEquals("none", AdminView.deviceModels(null));
    }
}
